// The offline screening page (/screenings/offline/): the screening form kept on the phone by a
// service worker, screenings kept in IndexedDB encrypted under a key derived from the user's
// passphrase, and sent through the API when the connection returns, each once.
//
// Keys and storage (docs/security.md, "Screening without a connection"): PBKDF2-HMAC-SHA-256
// over the passphrase with a random 16-byte salt (iterations given by the server) derives a
// non-extractable AES-GCM 256-bit key, held in this page's memory only, never stored. Each
// screening is one record {key, iv, data}: ``key`` is a random UUID (the Idempotency-Key the
// server checks), ``data`` the AES-GCM ciphertext of the screening with a fresh 12-byte IV and
// the record's key as additional data (a record cannot be passed off as another). A check value
// sealed the same way tells a wrong passphrase. Everything the user typed is in ``data`` only.
// Every text shown comes translated from the page (#offline-messages).
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const M = JSON.parse($("offline-messages").textContent);
  const DB_NAME = "pharos-offline";
  const CHECK = "pharos-offline-check";
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  let key = null; // the AES-GCM key while unlocked
  let rule = null; // the rule's data (rules.json)
  let syncing = false;
  const errors = new Map(); // record key -> the server's reason, in memory only

  function fmt(text, values) {
    return text.replace(/%\((\w+)\)[sd]/g, (_m, name) => String(values[name]));
  }

  function say(text, link) {
    const region = $("status-region");
    region.textContent = "";
    const p = document.createElement("p");
    p.className = "flash";
    p.textContent = text;
    if (link) {
      p.append(" ");
      const a = document.createElement("a");
      a.href = link.href;
      a.textContent = link.text;
      p.append(a);
    }
    region.append(p);
  }

  // -- IndexedDB ------------------------------------------------------------------------------
  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore("meta");
        request.result.createObjectStore("queue", { keyPath: "key" });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function store(name, mode, action) {
    const db = await openDb();
    return new Promise((resolve, reject) => {
      const t = db.transaction(name, mode);
      const request = action(t.objectStore(name));
      t.oncomplete = () => {
        db.close();
        resolve(request.result);
      };
      t.onerror = () => {
        db.close();
        reject(t.error);
      };
    });
  }

  const getMeta = (k) => store("meta", "readonly", (s) => s.get(k));
  const putMeta = (k, v) => store("meta", "readwrite", (s) => s.put(v, k));
  const queued = () => store("queue", "readonly", (s) => s.getAll());
  const putQueued = (record) => store("queue", "readwrite", (s) => s.put(record));
  const dropQueued = (k) => store("queue", "readwrite", (s) => s.delete(k));

  // -- Web Crypto -----------------------------------------------------------------------------
  async function derive(passphrase, salt, iterations) {
    const base = await crypto.subtle.importKey(
      "raw", encoder.encode(passphrase), "PBKDF2", false, ["deriveKey"]
    );
    return crypto.subtle.deriveKey(
      { name: "PBKDF2", salt: salt, iterations: iterations, hash: "SHA-256" },
      base,
      { name: "AES-GCM", length: 256 },
      false, // not extractable: the key never leaves Web Crypto
      ["encrypt", "decrypt"]
    );
  }

  async function seal(k, value, label) {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const data = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv: iv, additionalData: encoder.encode(label) },
      k,
      encoder.encode(JSON.stringify(value))
    );
    return { iv: iv, data: new Uint8Array(data) };
  }

  async function unseal(k, box, label) {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: box.iv, additionalData: encoder.encode(label) },
      k,
      box.data
    );
    return JSON.parse(decoder.decode(plain));
  }

  // -- The form -------------------------------------------------------------------------------
  function payload(form) {
    const fd = new FormData(form);
    const out = {
      person_label: String(fd.get("person_label") || "").trim(),
      present: [],
      ruled_out: [],
      explored: [],
      acts: fd.getAll("acts").map(String),
      unaccompanied: fd.get("unaccompanied") === "1",
      note: String(fd.get("note") || ""),
    };
    const age = String(fd.get("age") || "").trim();
    if (age !== "") out.age = Number(age);
    const nationality = String(fd.get("nationality") || "").trim().toUpperCase();
    if (nationality) out.nationality = nationality;
    for (const name of ["gender", "exploitation"]) {
      if (fd.get(name)) out[name] = String(fd.get(name));
    }
    for (const [name, value] of fd.entries()) {
      if (name.startsWith("ind_") && value === "present") out.present.push(name.slice(4));
      if (name.startsWith("ind_") && value === "ruled_out") out.ruled_out.push(name.slice(4));
      if (name.startsWith("explored_") && value) out.explored.push(name.slice(9));
    }
    return out;
  }

  function provisional(p) {
    return PharosRule.screen(rule, {
      present: p.present,
      ruled_out: p.ruled_out,
      explored: p.explored,
      acts: p.acts,
      age: p.age === undefined ? null : p.age,
      child: null,
      unaccompanied: p.unaccompanied,
      exploitation: p.exploitation || null,
    });
  }

  async function keep(event) {
    event.preventDefault();
    if (!key) {
      say(M.unlock_first);
      return;
    }
    const form = $("offline-form");
    const p = payload(form);
    if (!p.present.length && !p.ruled_out.length && !p.explored.length) {
      say(M.record_something);
      return;
    }
    const result = provisional(p);
    const recordKey = crypto.randomUUID();
    const box = await seal(
      key,
      { payload: p, provisional: result.presumption, saved_at: new Date().toISOString() },
      recordKey
    );
    await putQueued({ key: recordKey, iv: box.iv, data: box.data });
    form.reset();
    $("provisional-text").textContent =
      fmt(M.provisional, { result: M.presumptions[result.presumption] });
    $("provisional").hidden = false;
    say(M.kept);
    await render();
    $("provisional").focus();
    if (navigator.onLine) sync();
  }

  // -- What is kept ---------------------------------------------------------------------------
  async function render() {
    const records = await queued();
    $("queue-count").textContent = fmt(M.waiting, { num: records.length });
    const list = $("queue-list");
    list.textContent = "";
    if (!key) return;
    const items = [];
    for (const record of records) {
      items.push({ record: record, item: await unseal(key, record, record.key) });
    }
    items.sort((a, b) => a.item.saved_at.localeCompare(b.item.saved_at));
    for (const { record, item } of items) {
      const li = document.createElement("li");
      li.className = "queued";
      const label = document.createElement("bdi");
      label.textContent = item.payload.person_label;
      li.append(label, " · ", M.presumptions[item.provisional] || item.provisional);
      if (errors.has(record.key)) {
        const e = document.createElement("p");
        e.className = "error";
        e.textContent = fmt(M.refused, { reason: errors.get(record.key) });
        li.append(e);
      }
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "danger";
      remove.textContent = M.remove;
      remove.addEventListener("click", async () => {
        if (!window.confirm(M.remove_confirm)) return;
        await dropQueued(record.key);
        errors.delete(record.key);
        say(M.removed);
        await render();
      });
      li.append(" ", remove);
      list.append(li);
    }
  }

  function reason(body) {
    if (typeof body.detail === "string") return body.detail;
    if (Array.isArray(body.detail)) return body.detail.map((d) => d.msg).join(" ");
    return "?";
  }

  function signIn() {
    say(M.sign_in, { href: "/login?next=/screenings/offline/", text: M.sign_in_link });
  }

  function showSent(item, body) {
    const li = document.createElement("li");
    li.className = "sent";
    const label = document.createElement("bdi");
    label.textContent = item.payload.person_label;
    const presumption = body.result.presumption;
    // the label goes where %(label)s is in the translated sentence
    const parts = M.sent.split("%(label)s");
    const result = M.presumptions[presumption] || presumption;
    li.append(fmt(parts[0], { result: result }), label, fmt(parts[1] || "", { result: result }));
    li.dataset.presumption = presumption;
    li.dataset.id = String(body.id);
    const a = document.createElement("a");
    a.href = "/screenings/" + body.id;
    a.textContent = M.open;
    li.append(" ", a);
    if (presumption !== item.provisional) {
      const d = document.createElement("p");
      d.textContent = M.differs;
      li.append(d);
    }
    $("sent-list").append(li);
  }

  // -- Sending --------------------------------------------------------------------------------
  async function sync() {
    if (syncing) return;
    const records = await queued();
    if (!records.length) {
      say(M.nothing);
      return;
    }
    if (!key) {
      say(M.unlock_first);
      return;
    }
    syncing = true;
    say(M.sending);
    let failed = 0;
    try {
      let token;
      try {
        const r = await fetch("/screenings/offline/session.json", {
          credentials: "same-origin",
          cache: "no-store",
          headers: { Accept: "application/json" },
        });
        if (r.status === 401) return signIn();
        if (r.status === 403) return say(M.forbidden);
        token = (await r.json()).csrf_token;
      } catch (e) {
        return say(M.no_network);
      }
      for (const record of records) {
        const item = await unseal(key, record, record.key);
        let r;
        try {
          r = await fetch("/api/v1/screenings", {
            method: "POST",
            credentials: "same-origin",
            headers: {
              "Content-Type": "application/json",
              Accept: "application/json",
              "X-CSRF-Token": token,
              "Idempotency-Key": record.key,
            },
            body: JSON.stringify(item.payload),
          });
        } catch (e) {
          return say(M.no_network);
        }
        if (r.status === 200 || r.status === 201) {
          const body = await r.json();
          await dropQueued(record.key);
          errors.delete(record.key);
          showSent(item, body);
        } else if (r.status === 401) {
          return signIn();
        } else if (r.status === 403) {
          return say(M.forbidden);
        } else {
          errors.set(record.key, reason(await r.json().catch(() => ({}))));
          failed += 1;
        }
      }
      say(failed ? M.some_refused : M.all_sent);
    } finally {
      syncing = false;
      await render();
    }
  }

  // -- The passphrase -------------------------------------------------------------------------
  async function unlock(event) {
    event.preventDefault();
    const error = $("vault-error");
    error.textContent = "";
    const passphrase = $("f-passphrase").value;
    const vault = await getMeta("vault");
    if (!vault) {
      if (passphrase.length < M.passphrase_min) {
        error.textContent = M.too_short;
        return;
      }
      if (passphrase !== $("f-passphrase2").value) {
        error.textContent = M.differ;
        return;
      }
      const salt = crypto.getRandomValues(new Uint8Array(16));
      const k = await derive(passphrase, salt, M.iterations);
      const check = await seal(k, CHECK, CHECK);
      await putMeta("vault", { salt: salt, iterations: M.iterations, check: check });
      key = k;
    } else {
      const k = await derive(passphrase, vault.salt, vault.iterations);
      try {
        await unseal(k, vault.check, CHECK);
      } catch (e) {
        error.textContent = M.wrong;
        return;
      }
      key = k;
    }
    $("f-passphrase").value = "";
    $("f-passphrase2").value = "";
    await showVault();
    say(M.unlocked);
    await render();
    if (navigator.onLine) sync();
  }

  async function showVault() {
    const vault = await getMeta("vault");
    $("vault-form").hidden = Boolean(key);
    $("vault-unlocked").hidden = !key;
    $("vault-new").hidden = Boolean(key) || Boolean(vault);
    $("vault-open").hidden = Boolean(key) || !vault;
    $("confirm-field").hidden = Boolean(vault);
    $("f-passphrase2").required = !vault;
    $("offline-form").hidden = !key;
  }

  function connection() {
    const c = $("connection");
    c.textContent = navigator.onLine ? M.online : M.offline;
    c.className = navigator.onLine ? "pill ok" : "pill warn";
  }

  async function start() {
    if (!("serviceWorker" in navigator) || !window.indexedDB || !window.crypto || !crypto.subtle) {
      $("unsupported").textContent = M.unsupported;
      $("unsupported").hidden = false;
      $("vault").hidden = true;
      return;
    }
    navigator.serviceWorker.register("/screenings/offline/sw.js", { scope: "/screenings/offline/" });
    rule = await (await fetch("/screenings/offline/rules.json")).json();
    $("vault-form").addEventListener("submit", unlock);
    $("offline-form").addEventListener("submit", keep);
    $("sync").addEventListener("click", sync);
    $("lock").addEventListener("click", async () => {
      key = null;
      await showVault();
      await render();
      say(M.locked);
    });
    window.addEventListener("online", () => {
      connection();
      if (key) sync();
    });
    window.addEventListener("offline", connection);
    connection();
    await showVault();
    await render();
    document.body.dataset.offlineReady = "1";
  }

  start();
})();
