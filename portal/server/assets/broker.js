// The broker page's only script: count down the ticket's lifetime and poll its status until the user
// has answered on the phone, then follow the redirect the sandbox decided (code or error_code, with
// state). Every text comes from data attributes, so the script speaks the page's language.
"use strict";
(function () {
  const page = document.querySelector("main[data-ticket-id]");
  if (!page) return;
  const statusUrl = page.dataset.statusUrl;
  const pollInterval = Number(page.dataset.pollIntervalMs) || 1500;
  const statusLine = document.getElementById("broker-status");
  const countdown = document.getElementById("countdown");
  let deadline = Date.now() + (Number(page.dataset.expiresInMs) || 0);
  let finished = false;

  function show(text) {
    if (statusLine) statusLine.textContent = text;
  }

  function tick() {
    const left = Math.max(0, deadline - Date.now());
    const seconds = Math.floor(left / 1000);
    if (countdown) countdown.textContent = Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
  }

  async function poll() {
    if (finished) return;
    try {
      const response = await fetch(statusUrl, { cache: "no-store", headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error("status " + response.status);
      const ticket = await response.json();
      if (typeof ticket.expiresInMs === "number" && ticket.state === "pending") {
        deadline = Date.now() + ticket.expiresInMs;
      }
      if (ticket.redirectURL) {
        finished = true;
        show(ticket.state === "timed_out" ? page.dataset.textExpired : page.dataset.textRedirecting);
        page.dataset.state = ticket.state;
        window.location.replace(ticket.redirectURL);
        return;
      }
      show(page.dataset.textWaiting);
    } catch (error) {
      show(page.dataset.textTrouble);
    }
    window.setTimeout(poll, pollInterval);
  }

  tick();
  window.setInterval(tick, 1000);
  window.setTimeout(poll, pollInterval);
})();
