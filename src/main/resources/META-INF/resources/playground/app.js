// ProS Face playground, Analyze and Server: sends the chosen photo to POST /v1/analyze as the raw body and draws every
// face's box and 68 points over it in an SVG whose coordinates are the image's own pixels (the API answers in the
// pixels of the upright image, and browsers show a photo upright by its EXIF orientation too). The API key (kept in
// sessionStorage: this tab only) lists the fine-tuned heads a user may choose per task. finetune.js uses what this
// file exposes as window.Playground. No request leaves this server.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const SVG = "http://www.w3.org/2000/svg";
  const KEY_STORE = "pros.apiKey";
  const stage = $("stage"), photo = $("photo"), overlay = $("overlay"), faces = $("faces");
  const status = $("status"), timing = $("timing"), drop = $("drop");
  let photoUrl = null;
  let lastPhoto = null;
  let headList = [];

  // the task a head of each API type answers, and the order the choices are shown in
  const TASK_OF_TYPE = { multilabel: "attributes", classification: "expression", landmarks: "landmarks",
    regression: "regression" };

  function apiKey() {
    return sessionStorage.getItem(KEY_STORE) || "";
  }

  function authorized(headers) {
    const key = apiKey();
    return key ? Object.assign({ Authorization: "Bearer " + key }, headers || {}) : (headers || {});
  }

  /** The API's error words from a failed response: "CODE: message". */
  async function apiError(response) {
    const text = await response.text();
    try {
      const error = JSON.parse(text);
      return (error.code || ("HTTP " + response.status)) + ": " + (error.message || "");
    } catch (notJson) {
      return "HTTP " + response.status + ": " + text.slice(0, 300);
    }
  }

  function say(text, isError) {
    status.textContent = text;
    status.classList.toggle("error", Boolean(isError));
  }

  function svg(name, attributes, parent) {
    const element = document.createElementNS(SVG, name);
    Object.entries(attributes).forEach(([key, value]) => element.setAttribute(key, value));
    parent.appendChild(element);
    return element;
  }

  function element(name, text, parent, className) {
    const node = document.createElement(name);
    if (text !== undefined && text !== null) node.textContent = text;
    if (className) node.className = className;
    if (parent) parent.appendChild(node);
    return node;
  }

  function percent(probability) {
    return (100 * probability).toFixed(1) + "%";
  }

  function bars(entries, parent, label) {
    const list = element("ul", null, parent, "bars");
    list.setAttribute("aria-label", label);
    entries.forEach((entry) => {
      const item = element("li", null, list);
      element("span", entry.label.replace(/_/g, " "), item);
      const bar = element("span", null, item, "bar");
      bar.style.width = Math.max(1, Math.round(100 * entry.probability)) + "%";
      bar.setAttribute("aria-hidden", "true");
      element("span", percent(entry.probability), item, "value");
    });
    return list;
  }

  function drawFaces(answer) {
    const width = answer.image.width, height = answer.image.height;
    overlay.setAttribute("viewBox", "0 0 " + width + " " + height);
    overlay.replaceChildren();
    faces.replaceChildren();
    const unit = Math.max(width, height) / 400; // strokes and dots that read at any photo size
    answer.faces.forEach((face, index) => {
      const group = svg("g", { "data-face": index }, overlay);
      const box = face.box;
      svg("rect", { class: "box", x: box.x, y: box.y, width: box.width, height: box.height,
        "stroke-width": 2 * unit }, group);
      const points = (face.landmarks && face.landmarks.points) || [];
      points.forEach((point, number) => {
        svg("circle", { class: "point", cx: point.x, cy: point.y, r: 1.6 * unit, "data-index": number }, group);
        const label = svg("text", { class: "number", x: point.x + 2 * unit, y: point.y - 2 * unit,
          "font-size": 7 * unit, "stroke-width": unit }, group);
        label.textContent = String(number + 1);
      });
      describeFace(face, index, answer);
    });
    say(answer.faces.length === 0 ? "No face found."
      : answer.faces.length + (answer.faces.length === 1 ? " face" : " faces") + " found.");
  }

  function headOf(answer, task) {
    const entry = (answer.model.heads || []).find((item) => item.task === task);
    return entry ? entry.head.name + "@" + entry.head.version : null;
  }

  /** The text, naming the head that answered when it is not the task's own (a fine-tuned or other chosen head). */
  function headTitle(text, answer, task) {
    const head = headOf(answer, task);
    return head && !head.startsWith(task + "@") ? text + " · head " + head : text;
  }

  function describeFace(face, index, answer) {
    const card = element("article", null, faces, "face");
    card.setAttribute("data-face", index);
    const title = "Face " + (index + 1) + (face.age ? " · about " + Math.round(face.age.years) + " years" : "");
    element("h3", title, card);
    element("p", "Box " + face.box.width + "×" + face.box.height + " at (" + face.box.x + ", " + face.box.y
      + "), " + (face.boxSource === "client" ? "given" : "detected"), card);
    if (face.expression) {
      // a chosen classification head answers the expression task with its own labels: it is named instead
      const head = headOf(answer, "expression");
      const own = !head || head.startsWith("expression@");
      element("h4", (own ? "Expression" : head) + ": " + face.expression.label + " ("
        + percent(face.expression.probability) + ")", card);
      bars(face.expression.distribution, card, own ? "Expression distribution" : head + " distribution");
    }
    if (face.attributes) {
      const sorted = face.attributes.labels.slice().sort((a, b) => b.probability - a.probability);
      element("h4", headTitle("Attributes", answer, "attributes"), card);
      bars(sorted.slice(0, 8), card, "Most likely attributes");
      const more = element("details", null, card);
      element("summary", "All " + sorted.length + " attributes", more);
      bars(sorted.slice(8), more, "Other attributes");
    }
    if (face.regression) {
      element("h4", headTitle("Regression", answer, "regression"), card);
      const list = element("dl", null, card, "values");
      face.regression.values.forEach((value) => {
        element("dt", value.name, list);
        element("dd", value.value.toFixed(3), list);
      });
    }
    const landmarkHead = headOf(answer, "landmarks");
    if (face.landmarks && landmarkHead && !landmarkHead.startsWith("landmarks@")) {
      element("p", headTitle(face.landmarks.points.length + " landmark points", answer, "landmarks"), card);
    }
  }

  function showTiming(answer) {
    timing.replaceChildren();
    const t = answer.timing || {};
    [["Decode", t.decodeMs], ["Detect", t.detectMs], ["Queue", t.queueMs], ["Compute", t.computeMs],
      ["Total in the server", t.totalMs]].forEach(([name, value]) => {
      if (value === undefined) return;
      element("dt", name, timing);
      element("dd", value.toFixed(1) + " ms", timing);
    });
    element("dt", "Model", timing);
    element("dd", answer.model.backbone, timing);
    timing.hidden = false;
  }

  /** The query string for the chosen heads: head=name@vN per task, and the tasks they need. */
  function headQuery() {
    const chosen = Array.from(document.querySelectorAll("#head-selects select")).filter((select) => select.value);
    if (chosen.length === 0) return "";
    const tasks = ["attributes", "expression", "landmarks"];
    if (chosen.some((select) => select.dataset.task === "regression")) tasks.push("regression");
    if (headList.some((head) => head.builtIn && head.name === "age")) tasks.push("age");
    return "?tasks=" + tasks.join(",") + chosen.map((select) => "&head=" + encodeURIComponent(select.value)).join("");
  }

  async function analyze(blob) {
    lastPhoto = blob;
    $("reanalyze").disabled = false;
    if (photoUrl) URL.revokeObjectURL(photoUrl);
    photoUrl = URL.createObjectURL(blob);
    photo.src = photoUrl;
    stage.hidden = false;
    overlay.replaceChildren();
    faces.replaceChildren();
    timing.hidden = true;
    say("Analyzing…");
    try {
      const response = await fetch("/v1/analyze" + headQuery(), {
        method: "POST",
        headers: { "Content-Type": blob.type || "application/octet-stream" },
        body: blob,
      });
      if (!response.ok) {
        say("The server refused it: " + await apiError(response), true);
        return;
      }
      const answer = await response.json();
      drawFaces(answer);
      showTiming(answer);
      $("server-heads").textContent = answer.model.heads
        .map((entry) => entry.task + ": " + entry.head.name + "@" + entry.head.version).join(", ");
    } catch (failure) {
      say("No answer from the server: " + failure.message, true);
    }
  }

  $("file").addEventListener("change", (event) => {
    if (event.target.files.length > 0) analyze(event.target.files[0]);
  });
  ["dragenter", "dragover"].forEach((name) => drop.addEventListener(name, (event) => {
    event.preventDefault();
    drop.classList.add("over");
  }));
  ["dragleave", "drop"].forEach((name) => drop.addEventListener(name, () => drop.classList.remove("over")));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    const file = event.dataTransfer.files[0];
    if (file) analyze(file);
  });
  drop.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      $("file").click();
    }
  });
  document.addEventListener("paste", (event) => {
    const item = Array.from(event.clipboardData.items).find((entry) => entry.type.startsWith("image/"));
    if (item) analyze(item.getAsFile());
  });
  [["show-box", "no-box", false], ["show-points", "no-points", false], ["show-numbers", "numbers", true]]
    .forEach(([id, className, whenChecked]) => {
      const box = $(id);
      const apply = () => stage.classList.toggle(className, box.checked === whenChecked);
      box.addEventListener("change", apply);
      apply();
    });

  // the API key: kept in sessionStorage (this tab only), announced to finetune.js with a "pros:key" event
  const keyInput = $("api-key"), keyStatus = $("key-status");
  keyInput.value = apiKey();
  function setKey(key) {
    if (key) sessionStorage.setItem(KEY_STORE, key); else sessionStorage.removeItem(KEY_STORE);
    keyStatus.textContent = key ? "Key set for this tab." : "No key.";
    document.dispatchEvent(new CustomEvent("pros:key"));
  }
  $("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    setKey(keyInput.value.trim());
  });
  $("key-forget").addEventListener("click", () => {
    keyInput.value = "";
    setKey("");
  });

  // Heads: one choice per task among the heads the store lists (GET /v1/finetune/heads, read role)
  async function listHeads() {
    const heads = [];
    let token = "";
    do {
      const response = await fetch("/v1/finetune/heads?page_size=100" + (token ? "&page_token="
        + encodeURIComponent(token) : ""), { headers: authorized() });
      if (!response.ok) throw new Error(await apiError(response));
      const page = await response.json();
      heads.push(...page.heads);
      token = page.nextPageToken || "";
    } while (token && heads.length < 1000);
    return heads;
  }

  async function refreshHeadChoice() {
    const selects = $("head-selects"), help = $("head-choice-help");
    const before = {};
    selects.querySelectorAll("select").forEach((select) => { before[select.dataset.task] = select.value; });
    selects.replaceChildren();
    $("reanalyze").hidden = true;
    if (!apiKey()) {
      headList = [];
      help.textContent = "The model's own heads answer. Enter an API key to choose fine-tuned heads.";
      return;
    }
    try {
      headList = await listHeads();
    } catch (failure) {
      headList = [];
      help.textContent = "Cannot list heads: " + failure.message;
      return;
    }
    help.textContent = "Each task is answered by the model's own head unless you choose another.";
    $("reanalyze").hidden = false;
    Object.entries(TASK_OF_TYPE).forEach(([type, task]) => {
      const heads = headList.filter((head) => head.type === type);
      if (heads.length === 0 || (task === "regression" && heads.every((head) => head.builtIn))) return;
      const id = "head-" + task;
      const label = element("label", task.charAt(0).toUpperCase() + task.slice(1), selects);
      label.htmlFor = id;
      const select = element("select", null, selects);
      select.id = id;
      select.dataset.task = task;
      element("option", "the model's own", select).value = "";
      heads.forEach((head) => {
        const option = element("option", head.name + "@" + head.version + (head.builtIn ? " (built-in)" : "")
          + (head.current ? " · current" : ""), select);
        option.value = head.name + "@" + head.version;
      });
      if (before[task] && heads.some((head) => head.name + "@" + head.version === before[task])) {
        select.value = before[task];
      }
    });
  }
  $("reanalyze").addEventListener("click", () => {
    if (lastPhoto) analyze(lastPhoto);
  });
  document.addEventListener("pros:key", refreshHeadChoice);
  document.addEventListener("pros:heads-changed", refreshHeadChoice);
  refreshHeadChoice();

  window.Playground = {
    apiKey: apiKey,
    authorized: authorized,
    apiError: apiError,
    element: element,
    hasPhoto: () => lastPhoto !== null,
    /** Re-analyzes the last photo with head (name@vN) answering its type's task. */
    tryHead: async (type, head) => {
      await refreshHeadChoice();
      const select = $("head-" + TASK_OF_TYPE[type]);
      if (select) select.value = head;
      if (lastPhoto) await analyze(lastPhoto);
      $("analyze").scrollIntoView();
    },
  };

  // Server: the info gauge's labels and the batcher's gauges and batch-size summary from the Prometheus text
  let lastBatches = null;
  function metric(text, name) {
    const line = text.split("\n").find((entry) => entry.startsWith(name + " ") || entry.startsWith(name + "{"));
    if (!line) return null;
    const labels = {};
    const open = line.indexOf("{");
    if (open >= 0) {
      line.slice(open + 1, line.lastIndexOf("}")).replace(/(\w+)="((?:[^"\\]|\\.)*)"/g, (all, key, value) => {
        labels[key] = value;
        return all;
      });
    }
    return { labels: labels, value: parseFloat(line.slice(line.lastIndexOf(" ") + 1)) };
  }

  async function refreshServer() {
    try {
      const response = await fetch("/q/metrics", { headers: { Accept: "text/plain" } });
      const text = await response.text();
      const info = metric(text, "pros_inference_info");
      if (info) {
        $("server-model").textContent = info.labels.model;
        $("server-device").textContent = info.labels.device;
        $("server-precision").textContent = info.labels.precision;
        $("server-workers").textContent = info.labels.workers + " × " + info.labels.threads_per_worker
          + " thread(s), max batch " + info.labels.max_batch_size;
      }
      const depth = metric(text, "pros_inference_queue_depth");
      const inFlight = metric(text, "pros_inference_in_flight");
      if (depth) $("server-queue").textContent = String(depth.value);
      if (inFlight) $("server-in-flight").textContent = String(inFlight.value);
      const count = metric(text, "pros_inference_batch_size_count");
      const sum = metric(text, "pros_inference_batch_size_sum");
      if (count && sum) {
        const batches = { count: count.value, sum: sum.value };
        const overall = batches.count > 0 ? (batches.sum / batches.count).toFixed(2) : "–";
        let recent = "";
        if (lastBatches && batches.count > lastBatches.count) {
          recent = ", last 2 s: " + ((batches.sum - lastBatches.sum) / (batches.count - lastBatches.count)).toFixed(2);
        }
        $("server-batch").textContent = "mean " + overall + " over " + batches.count + " batches" + recent;
        lastBatches = batches;
      }
      const items = metric(text, "pros_inference_items_total");
      if (items) $("server-items").textContent = String(items.value);
    } catch (failure) {
      $("server-model").textContent = "metrics unavailable: " + failure.message;
    }
  }
  refreshServer();
  setInterval(refreshServer, 2000);

  // a webcam snapshot where the browser offers a camera (secure context: https or localhost)
  const camera = $("camera"), video = $("video");
  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    camera.hidden = false;
    camera.addEventListener("click", async () => {
      try {
        if (video.hidden) {
          video.srcObject = await navigator.mediaDevices.getUserMedia({ video: true });
          video.hidden = false;
          await video.play();
          camera.textContent = "Take the snapshot";
          return;
        }
        const canvas = document.createElement("canvas");
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        canvas.getContext("2d").drawImage(video, 0, 0);
        video.srcObject.getTracks().forEach((track) => track.stop());
        video.hidden = true;
        camera.textContent = "Take a snapshot";
        canvas.toBlob((blob) => analyze(blob), "image/jpeg", 0.92);
      } catch (failure) {
        say("No camera: " + failure.message, true);
      }
    });
  }
})();
