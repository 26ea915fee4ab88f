package io.prosface.server.auth;

import io.prosface.server.error.ApiError;
import io.prosface.server.error.ErrorMapper;
import io.prosface.server.error.ServingException;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Refuses unauthenticated or unauthorised calls to {@code /v1/finetune/**} before any of the request body is read,
 * so an anonymous client cannot make the server receive (or store) an upload. The path is judged as routing reads it
 * ({@link FineTunePath}: {@code /v1;a=b/finetune/jobs} and {@code //v1/./finetune/jobs} are fine-tuning routes too).
 * GET needs the read role, every other method the admin role. The answer has the same JSON shape as every other
 * error ({@link ErrorMapper}) and says nothing about why a key was refused. The resources check the key again
 * (defence in depth).
 */
@ApplicationScoped
public class FineTuneAuthFilter {

    /** Before the REST layer's routes. */
    private static final int PRIORITY = 100;

    private final ApiKeys keys;
    private final ErrorMapper errorMapper;

    @Inject
    FineTuneAuthFilter(ApiKeys keys, ErrorMapper errorMapper) {
        this.keys = keys;
        this.errorMapper = errorMapper;
    }

    void register(@Observes Filters filters) {
        filters.register(this::filter, PRIORITY);
    }

    private void filter(RoutingContext context) {
        // the raw path as routing will read it (matrix parameters, dot segments, escapes), and Vert.x's own reading
        if (!FineTunePath.matches(context.request().path()) && !FineTunePath.matches(context.normalizedPath())) {
            context.next();
            return;
        }
        ApiKeys.Role role = context.request().method() == HttpMethod.GET ? ApiKeys.Role.READ : ApiKeys.Role.ADMIN;
        try {
            keys.require(context.request().getHeader("Authorization"), role);
            context.next();
        } catch (ServingException refused) {
            ApiError error = errorMapper.map(refused);
            var response = context.response()
                    .setStatusCode(error.code().httpStatus())
                    .putHeader("Content-Type", "application/json");
            if (error.code().httpStatus() == 401) {
                response.putHeader("WWW-Authenticate", "Bearer");
            }
            response.end(new JsonObject()
                    .put("code", error.code().name())
                    .put("message", error.message())
                    .encode());
        }
    }
}
