// The try-it console's page script (served as /pkg/try-it.js): reads the form on /reference/try, asks the wasm
// module (/pkg/tryit.js, built from the portal-tryit crate) to sign and encrypt the request, sends it to this
// portal's /api/v1 with fetch, and shows the wire request, the answer, the decrypted content and the inspector
// link.
//
// All cryptography happens in the wasm module; this file only draws the nonce and IV from
// crypto.getRandomValues and moves text between the form and the module. The client secret and the private key
// are never stored and never sent: only the signed request leaves the page, and without cookies.

import init, { prepareRequest, openResponse } from "/pkg/tryit.js";

const form = document.getElementById("try-form");
const operation = document.getElementById("try-operation");
const content = document.getElementById("try-content");
const keyState = document.getElementById("try-key-state");
const wireOut = document.getElementById("try-wire");
const statusOut = document.getElementById("try-status");
const responseOut = document.getElementById("try-response");
const decryptedOut = document.getElementById("try-decrypted");
const noteOut = document.getElementById("try-note");
const errorOut = document.getElementById("try-error");
const inspector = document.getElementById("try-inspector");
const send = document.getElementById("try-send");
const words = form.dataset;

// The content key of the last successful getKey in this page; it lives only in this variable.
let currentKey = null;

function hex(bytes) {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function randomBytes(length) {
  return crypto.getRandomValues(new Uint8Array(length));
}

function selected() {
  return operation.options[operation.selectedIndex];
}

function showExample() {
  content.value = selected().dataset.example || "{}";
}

function showKey(key) {
  currentKey = key;
  keyState.textContent = key
    ? `${words.keyHeld} ${key.fingerprint} — ${words.keyExpires} ${new Date(key.expiresAtMs).toISOString()}`
    : words.keyNone;
  keyState.dataset.state = key ? "held" : "none";
}

function clearResults() {
  for (const element of [wireOut, statusOut, responseOut, decryptedOut, noteOut, errorOut]) {
    element.textContent = "";
  }
  inspector.hidden = true;
  inspector.removeAttribute("href");
}

function pretty(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

async function sendRequest(event) {
  event.preventDefault();
  clearResults();
  const path = selected().value;
  const encrypt = selected().dataset.encrypted === "true";
  let wire;
  try {
    wire = JSON.parse(
      prepareRequest(
        JSON.stringify({
          clientId: document.getElementById("try-client-id").value,
          clientSecret: document.getElementById("try-client-secret").value,
          timestamp: String(Date.now()),
          nonce: hex(randomBytes(16)),
          content: content.value,
          encrypt,
          cek: encrypt && currentKey ? currentKey.cek : null,
          iv: Array.from(randomBytes(12)),
        }),
      ),
    );
  } catch (error) {
    errorOut.textContent = String(error.message || error);
    return;
  }
  const headerLines = wire.headers.map(([name, value]) => `${name}: ${value}`).join("\n");
  wireOut.textContent = `POST ${path}\n${headerLines}\n\n${wire.body}`;

  send.disabled = true;
  statusOut.textContent = words.sending;
  let response;
  let body;
  try {
    response = await fetch(path, {
      method: "POST",
      headers: Object.fromEntries(wire.headers),
      body: wire.body,
      credentials: "omit",
      cache: "no-store",
    });
    body = await response.text();
  } catch (error) {
    statusOut.textContent = "";
    errorOut.textContent = `${words.networkError} ${error.message || error}`;
    return;
  } finally {
    send.disabled = false;
  }
  responseOut.textContent = pretty(body);
  const link = response.headers.get("x-sandbox-inspector");
  if (link && link.startsWith("/console/")) {
    inspector.href = link;
    inspector.hidden = false;
  }
  let opened;
  try {
    opened = JSON.parse(
      openResponse(
        JSON.stringify({
          body,
          cek: encrypt && currentKey ? currentKey.cek : null,
          privateKeyPem: document.getElementById("try-private-key").value || null,
        }),
      ),
    );
  } catch (error) {
    statusOut.textContent = `HTTP ${response.status}`;
    errorOut.textContent = String(error.message || error);
    return;
  }
  statusOut.textContent = `HTTP ${response.status} · ${opened.code} · ${opened.message} · txID ${opened.txID}`;
  statusOut.dataset.code = opened.code;
  if (opened.content !== null && opened.content !== undefined) {
    decryptedOut.textContent = JSON.stringify(opened.content, null, 2);
  }
  decryptedOut.dataset.state = opened.contentState;
  if (opened.note) {
    noteOut.textContent = opened.note;
  }
  if (opened.key) {
    showKey(opened.key);
  } else if (path.endsWith("/security/revokeKey") && opened.code === "D00000") {
    showKey(null);
  }
}

await init({ module_or_path: "/pkg/tryit_bg.wasm" });
operation.addEventListener("change", showExample);
form.addEventListener("submit", sendRequest);
showExample();
showKey(null);
send.disabled = false;
document.documentElement.dataset.tryIt = "ready";
