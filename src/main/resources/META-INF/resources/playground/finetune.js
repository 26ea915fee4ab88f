// ProS Face playground, Fine-tune and Heads: the upload form (its training options, ranges and defaults read from
// GET /v1/finetune/options), the job followed live through its server-sent events (read with fetch, because
// EventSource cannot send the Authorization header) with a progress bar and one uPlot chart per metric (train and
// validation per epoch; the epochs before the page joined come from GET /v1/finetune/jobs/{id}/metrics), and the
// heads list with promote and delete. Uses window.Playground from app.js.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const P = window.Playground;
  const JOB_STORE = "pros.lastJob";
  const TERMINAL = ["succeeded", "failed", "cancelled"];
  const form = $("finetune-form"), formStatus = $("ft-status");
  let options = [];
  let watching = null; // { id, controller }
  let history = []; // [{ epoch, trainMetrics, validationMetrics }]
  let charts = {}; // metric name -> uPlot

  function say(node, text, isError) {
    node.textContent = text;
    node.classList.toggle("error", Boolean(isError));
  }

  function number(value) {
    if (typeof value !== "number") return String(value);
    return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
  }

  // ---- the form ----

  async function loadOptions() {
    const fields = $("ft-option-fields"), help = $("ft-options-help");
    fields.replaceChildren();
    options = [];
    if (!P.apiKey()) {
      help.hidden = false;
      help.textContent = "Enter an API key to load the options, their ranges and defaults from "
        + "GET /v1/finetune/options.";
      return;
    }
    try {
      const response = await fetch("/v1/finetune/options", { headers: P.authorized() });
      if (!response.ok) throw new Error(await P.apiError(response));
      const answer = await response.json();
      options = answer.options;
      const kind = $("ft-kind"), chosen = kind.value;
      kind.replaceChildren();
      answer.kinds.forEach((name) => { P.element("option", name, kind).value = name; });
      if (answer.kinds.includes(chosen)) kind.value = chosen;
      options.forEach((option) => addOption(fields, option));
      help.hidden = true;
    } catch (failure) {
      help.hidden = false;
      help.textContent = "Cannot load the training options: " + failure.message;
    }
  }

  function addOption(fields, option) {
    const id = "ft-opt-" + option.name;
    const label = P.element("label", option.name.replace(/_/g, " "), fields);
    label.htmlFor = id;
    let input;
    if (option.type === "boolean") {
      input = P.element("input", null, fields);
      input.type = "checkbox";
      input.checked = Boolean(option.default);
    } else if (option.type === "enum") {
      input = P.element("select", null, fields);
      option.values.forEach((value) => { P.element("option", value, input).value = value; });
      input.value = option.default;
    } else {
      input = P.element("input", null, fields);
      input.type = "number";
      input.step = option.type === "integer" ? "1" : "any";
      if (option.min !== undefined) input.min = option.min;
      if (option.max !== undefined) input.max = option.max;
      input.value = option.default;
      input.required = true;
    }
    input.id = id;
    input.name = option.name;
    const range = option.min !== undefined && option.max !== undefined
      ? " Range " + number(option.min) + " to " + number(option.max) + "." : "";
    const description = (option.description || "").replace(/([^.])$/, "$1.");
    const help = P.element("span", description + range + " Default " + number(option.default) + ".", fields, "help");
    help.id = id + "-help";
    input.setAttribute("aria-describedby", help.id);
  }

  function kindChanged() {
    const landmarks = $("ft-kind").value === "landmarks";
    $("ft-points").disabled = !landmarks;
    $("ft-classes").disabled = landmarks;
  }

  /** What the browser can tell before uploading; the server checks everything again. */
  function problems() {
    const found = [];
    const name = $("ft-head-name");
    if (!name.value.trim()) found.push("a head name");
    else if (!name.checkValidity()) found.push("a head name of a-z, 0-9, _ . - (starting with a letter or digit)");
    if ($("ft-archive").files.length === 0 && $("ft-images").files.length === 0) {
      found.push("an archive or some images");
    }
    if ($("ft-archive").files.length === 0 && $("ft-images").files.length > 0
      && $("ft-manifest").files.length === 0) {
      found.push("a manifest for the images");
    }
    document.querySelectorAll("#ft-option-fields input[type=number]").forEach((input) => {
      if (!input.checkValidity()) {
        found.push(input.name + " within " + input.min + " to " + input.max);
      }
    });
    return found;
  }

  async function submit(event) {
    event.preventDefault();
    if (!P.apiKey()) {
      say(formStatus, "Enter an API key with the admin role first.", true);
      $("api-key").focus();
      return;
    }
    const missing = problems();
    if (missing.length > 0) {
      say(formStatus, "Needs " + missing.join("; ") + ".", true);
      return;
    }
    const data = new FormData();
    data.append("kind", $("ft-kind").value);
    data.append("head_name", $("ft-head-name").value.trim());
    if (!$("ft-classes").disabled && $("ft-classes").value.trim()) data.append("classes", $("ft-classes").value);
    if (!$("ft-points").disabled && $("ft-points").value) data.append("points", $("ft-points").value);
    options.forEach((option) => {
      const input = $("ft-opt-" + option.name);
      if (input) data.append(option.name, option.type === "boolean" ? String(input.checked) : input.value);
    });
    Array.from($("ft-archive").files).forEach((file) => data.append("archive", file, file.name));
    Array.from($("ft-images").files).forEach((file) => data.append("images", file, file.name));
    if ($("ft-manifest").files.length > 0) {
      const manifest = $("ft-manifest").files[0];
      data.append("manifest", manifest, manifest.name);
    }
    $("ft-submit").disabled = true;
    say(formStatus, "Uploading…");
    try {
      const response = await fetch("/v1/finetune/jobs", { method: "POST", headers: P.authorized(), body: data });
      if (!response.ok) {
        say(formStatus, "The server refused it: " + await P.apiError(response), true);
        return;
      }
      const job = await response.json();
      say(formStatus, "Accepted: job " + job.id + ", " + job.trainExamples + " training and "
        + job.validationExamples + " validation examples.");
      watch(job);
    } catch (failure) {
      say(formStatus, "No answer from the server: " + failure.message, true);
    } finally {
      $("ft-submit").disabled = false;
    }
  }

  // ---- the job ----

  function showJob(job) {
    $("job").hidden = false;
    $("job-id").textContent = job.id;
    const state = $("job-state");
    state.textContent = job.state;
    state.dataset.state = job.state;
    $("job-head").textContent = job.headName + (job.headVersion ? "@" + job.headVersion : "") + " (" + job.headType
      + ")";
    $("job-examples").textContent = job.trainExamples + " training, " + job.validationExamples + " validation";
    const progress = job.progress || { fraction: 0, epoch: 0, totalEpochs: 0, step: 0, totalSteps: 0 };
    $("job-progress").value = progress.fraction;
    $("job-progress-text").textContent = Math.round(100 * progress.fraction) + "% · epoch " + progress.epoch
      + " of " + progress.totalEpochs + " · step " + progress.step + " of " + progress.totalSteps;
    const error = $("job-error");
    error.hidden = !job.errorMessage;
    error.textContent = job.errorMessage ? "The job " + job.state + ": " + job.errorMessage : "";
    $("job-cancel").hidden = TERMINAL.includes(job.state);
    const tryButton = $("job-try");
    tryButton.hidden = job.state !== "succeeded";
    tryButton.dataset.head = job.headName + "@" + job.headVersion;
    tryButton.dataset.type = job.headType;
    latestMetrics(job.trainMetrics || {}, job.validationMetrics || {});
  }

  function latestMetrics(train, validation) {
    const table = $("job-metrics"), body = table.querySelector("tbody");
    const names = Array.from(new Set(Object.keys(train).concat(Object.keys(validation)))).sort();
    body.replaceChildren();
    names.forEach((name) => {
      const row = P.element("tr", null, body);
      P.element("th", name, row).scope = "row";
      P.element("td", name in train ? number(train[name]) : "–", row);
      P.element("td", name in validation ? number(validation[name]) : "–", row);
    });
    table.hidden = names.length === 0;
  }

  /** Adds the job's latest metrics as a curve point; refetches the history where events were skipped. */
  function record(job, signal) {
    const epoch = job.progress ? job.progress.epoch : 0;
    const hasMetrics = Object.keys(job.trainMetrics || {}).length > 0
      || Object.keys(job.validationMetrics || {}).length > 0;
    if (epoch <= 0 || !hasMetrics) return;
    const last = history[history.length - 1];
    // the event stream sends the job's state as it is when read: a fast job can pass several reports between two
    // events, and the end of a job is the moment to make sure every report is drawn
    if (TERMINAL.includes(job.state) || (last ? epoch > last.epoch + 1 : epoch > 1)) {
      loadHistory(job.id, signal);
    }
    if (last && last.epoch === epoch) {
      last.trainMetrics = job.trainMetrics || {};
      last.validationMetrics = job.validationMetrics || {};
    } else if (!last || epoch > last.epoch) {
      history.push({ epoch: epoch, trainMetrics: job.trainMetrics || {}, validationMetrics: job.validationMetrics
        || {} });
    }
    drawCharts();
  }

  function drawCharts() {
    const box = $("job-charts");
    box.dataset.epochs = String(history.length);
    const all = new Set(history.flatMap((row) => Object.keys(row.trainMetrics)
      .concat(Object.keys(row.validationMetrics))));
    // "chance" (the majority class's share) is the accuracy chart's baseline, not a curve of its own
    const baseline = all.has("chance") && all.has("accuracy");
    const names = Array.from(all).filter((name) => !(baseline && name === "chance")).sort();
    const width = Math.max(260, Math.min(480, box.clientWidth || 480));
    names.forEach((name) => {
      const epochs = history.map((row) => row.epoch);
      const train = history.map((row) => (name in row.trainMetrics ? row.trainMetrics[name] : null));
      const validation = history.map((row) => (name in row.validationMetrics ? row.validationMetrics[name] : null));
      const data = [epochs, train, validation];
      const series = [
        { label: "epoch" },
        { label: "train", stroke: "#0b5cad", width: 2, points: { show: true } },
        { label: "validation", stroke: "#b4410b", width: 2, dash: [6, 3], points: { show: true } },
      ];
      if (baseline && name === "accuracy") {
        data.push(history.map((row) => (row.validationMetrics.chance !== undefined ? row.validationMetrics.chance
          : (row.trainMetrics.chance !== undefined ? row.trainMetrics.chance : null))));
        series.push({ label: "chance", stroke: "#4a5561", width: 1, dash: [2, 3], points: { show: false } });
      }
      if (charts[name]) {
        charts[name].setData(data);
        return;
      }
      const figure = P.element("figure", null, box, "chart");
      figure.dataset.metric = name;
      figure.setAttribute("role", "img");
      figure.setAttribute("aria-label", name + " per epoch, train and validation; latest values in the table");
      P.element("figcaption", name, figure);
      charts[name] = new uPlot({
        width: width,
        height: 200,
        scales: { x: { time: false } },
        // whole epochs on the x axis
        axes: [{ label: "epoch", incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] }, {}],
        series: series,
      }, data, figure);
    });
  }

  function resetJob() {
    if (watching) watching.controller.abort();
    watching = null;
    history = [];
    charts = {};
    $("job-charts").replaceChildren();
    $("job-charts").dataset.epochs = "0";
  }

  async function watch(job) {
    resetJob();
    sessionStorage.setItem(JOB_STORE, job.id);
    const controller = new AbortController();
    watching = { id: job.id, controller: controller };
    showJob(job);
    await loadHistory(job.id, controller.signal);
    if (controller.signal.aborted) return;
    let last = job;
    while (!TERMINAL.includes(last.state) && !controller.signal.aborted) {
      try {
        last = await follow(job.id, controller, last);
      } catch (failure) {
        if (controller.signal.aborted) return;
        say(formStatus, "Lost the job's event stream (" + failure.message + "); reconnecting…", true);
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
    }
    if (last.state === "succeeded") {
      say(formStatus, "Job " + last.id + " succeeded: head " + last.headName + "@" + last.headVersion
        + " is served now.");
      document.dispatchEvent(new CustomEvent("pros:heads-changed"));
    } else if (TERMINAL.includes(last.state)) {
      say(formStatus, "Job " + last.id + " " + last.state + (last.errorMessage ? ": " + last.errorMessage : "."),
        last.state === "failed");
    }
  }

  /** Replaces the curves' points with the job's whole history (GET /v1/finetune/jobs/{id}/metrics). */
  async function loadHistory(id, signal) {
    try {
      const response = await fetch("/v1/finetune/jobs/" + encodeURIComponent(id) + "/metrics",
        { headers: P.authorized(), signal: signal });
      if (!response.ok || !watching || watching.id !== id) return;
      const rows = (await response.json()).epochs;
      if (rows.length < history.length) return; // an older answer than what the events already drew
      history = rows.map((row) => ({ epoch: row.epoch, trainMetrics: row.trainMetrics || {},
        validationMetrics: row.validationMetrics || {} }));
      drawCharts();
    } catch (failure) {
      // aborted, or the server went away: the events (or the next reconnect) go on drawing
    }
  }

  /** Reads the job's server-sent events until the stream ends; returns the last job seen. */
  async function follow(id, controller, last) {
    const signal = controller.signal;
    const response = await fetch("/v1/finetune/jobs/" + encodeURIComponent(id) + "/events",
      { headers: P.authorized({ Accept: "text/event-stream" }), signal: signal });
    if (!response.ok) {
      const words = await P.apiError(response);
      if (response.status >= 400 && response.status < 500) {
        // no such job, or the key may not read it: retrying cannot help
        say(formStatus, "Cannot follow job " + id + ": " + words, true);
        controller.abort();
        return last;
      }
      throw new Error(words);
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, "\n");
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split("\n").filter((line) => line.startsWith("data:"))
          .map((line) => line.slice(5).replace(/^ /, "")).join("\n");
        if (!data) continue;
        last = JSON.parse(data);
        showJob(last);
        record(last, signal);
      }
    }
    if (!TERMINAL.includes(last.state)) {
      // the stream ended before the job did (a proxy's timeout, a restart): read it once and go on following
      const response2 = await fetch("/v1/finetune/jobs/" + encodeURIComponent(id), { headers: P.authorized(),
        signal: signal });
      if (response2.ok) {
        last = await response2.json();
        showJob(last);
        record(last, signal);
      }
    }
    return last;
  }

  async function cancel() {
    if (!watching) return;
    const response = await fetch("/v1/finetune/jobs/" + encodeURIComponent(watching.id), { method: "DELETE",
      headers: P.authorized() });
    if (!response.ok) say(formStatus, "Cannot cancel: " + await P.apiError(response), true);
  }

  async function resume() {
    const id = sessionStorage.getItem(JOB_STORE);
    if (!id || !P.apiKey() || watching) return;
    const response = await fetch("/v1/finetune/jobs/" + encodeURIComponent(id), { headers: P.authorized() });
    if (response.ok) watch(await response.json());
  }

  // ---- the heads list ----

  let headsToken = "";

  async function loadHeads(more) {
    const table = $("heads-table"), body = table.querySelector("tbody"), status = $("heads-status");
    if (!more) {
      body.replaceChildren();
      headsToken = "";
    }
    if (!P.apiKey()) {
      table.hidden = true;
      $("heads-more").hidden = true;
      say(status, "Enter an API key (read role) to list the heads.");
      return;
    }
    try {
      const name = $("heads-name").value.trim(), type = $("heads-type").value;
      const response = await fetch("/v1/finetune/heads?page_size=50"
        + (name ? "&name=" + encodeURIComponent(name) : "") + (type ? "&type=" + encodeURIComponent(type) : "")
        + (headsToken ? "&page_token=" + encodeURIComponent(headsToken) : ""), { headers: P.authorized() });
      if (!response.ok) throw new Error(await P.apiError(response));
      const page = await response.json();
      page.heads.forEach((head) => headRow(body, head));
      headsToken = page.nextPageToken || "";
      $("heads-more").hidden = !headsToken;
      table.hidden = body.children.length === 0;
      say(status, body.children.length + " head versions listed.");
    } catch (failure) {
      say(status, "Cannot list heads: " + failure.message, true);
    }
  }

  function headRow(body, head) {
    const ref = head.name + "@" + head.version;
    const row = P.element("tr", null, body);
    row.dataset.head = ref;
    P.element("th", ref + (head.builtIn ? " (built-in)" : ""), row).scope = "row";
    P.element("td", head.type, row);
    const labels = head.numPoints > 0 ? head.numPoints + " points"
      : (head.labels.length > 6 ? head.labels.slice(0, 6).join(", ") + " … (" + head.labels.length + ")"
        : head.labels.join(", "));
    P.element("td", labels, row);
    P.element("td", Object.entries(head.validationMetrics || {}).map(([name, value]) => name + " " + number(value))
      .join(", ") || "–", row);
    P.element("td", [head.current ? "current" : "", head.served ? "served" : "not loaded"].filter(Boolean)
      .join(", "), row);
    const actions = P.element("td", null, row, "actions");
    if (!head.current) {
      const promote = P.element("button", "Promote", actions, "secondary");
      promote.type = "button";
      promote.setAttribute("aria-label", "Promote " + ref);
      promote.addEventListener("click", () => headAction("POST", head, "/promote", "promoted"));
    }
    if (!head.builtIn) {
      const remove = P.element("button", "Delete", actions, "danger");
      remove.type = "button";
      remove.setAttribute("aria-label", "Delete " + ref);
      remove.addEventListener("click", () => {
        if (window.confirm("Delete head " + ref + "? Clients asking for it by version get NOT_FOUND.")) {
          headAction("DELETE", head, "", "deleted");
        }
      });
    }
  }

  async function headAction(method, head, suffix, done) {
    const ref = head.name + "@" + head.version;
    const status = $("heads-status");
    const response = await fetch("/v1/finetune/heads/" + encodeURIComponent(head.name) + "/"
      + encodeURIComponent(head.version) + suffix, { method: method, headers: P.authorized() });
    if (!response.ok) {
      say(status, "Cannot change " + ref + ": " + await P.apiError(response), true);
      return;
    }
    await loadHeads(false);
    say(status, ref + " " + done + ".");
    document.dispatchEvent(new CustomEvent("pros:heads-changed"));
  }

  // ---- wiring ----

  form.addEventListener("submit", submit);
  $("ft-kind").addEventListener("change", kindChanged);
  $("job-cancel").addEventListener("click", cancel);
  $("job-try").addEventListener("click", () => {
    const button = $("job-try");
    if (!P.hasPhoto()) {
      say(formStatus, "Pick a photo under Analyze first; the new head then answers it.", true);
      $("file").focus();
      return;
    }
    P.tryHead(button.dataset.type, button.dataset.head);
  });
  $("heads-filter").addEventListener("submit", (event) => {
    event.preventDefault();
    loadHeads(false);
  });
  $("heads-more").addEventListener("click", () => loadHeads(true));
  document.addEventListener("pros:key", () => {
    loadOptions();
    loadHeads(false);
    resume();
  });
  document.addEventListener("pros:heads-changed", () => loadHeads(false));
  kindChanged();
  loadOptions();
  loadHeads(false);
  resume();
})();
