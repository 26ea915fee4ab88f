package io.prosface.server.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The auth filter's reading of a path: every spelling routing accepts for the fine-tuning API is recognised. */
class FineTunePathTest {

    @Test
    void v1MatrixParameterFinetuneJobsAndOtherSpellingsAreFineTunePaths() {
        for (String path : List.of(
                "/v1/finetune",
                "/v1/finetune/",
                "/v1/finetune/jobs",
                "/v1;a=b/finetune/jobs",
                "/v1/finetune;x=y/jobs",
                "//v1/finetune/jobs",
                "/v1//finetune/jobs",
                "/v1/./finetune/jobs",
                "/v1/x/../finetune/jobs",
                "/x/../v1/finetune/jobs",
                "/v1/%66inetune/jobs",
                "/v1%2Ffinetune/jobs",
                "/v1/%2e/finetune/jobs",
                "/V1/FineTune/jobs",
                "/v1/finetune%3Bx/jobs",
                "/../v1/finetune")) {
            assertTrue(FineTunePath.matches(path), path);
        }
    }

    @Test
    void otherRoutesAreNot() {
        for (String path : List.of(
                "/",
                "",
                "/v1/analyze",
                "/v1/finetunes/jobs",
                "/v2/finetune/jobs",
                "/finetune/jobs",
                "/v1/finetune/../analyze",
                "/q/health/ready",
                "/v1/%zz/finetune",
                "/v1finetune")) {
            assertFalse(FineTunePath.matches(path), path);
        }
    }
}
