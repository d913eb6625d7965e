// The virtual phone's only script: keep the request screen's countdown live, leave a request screen
// when the request is settled elsewhere, and reload the home screen when the list of waiting requests
// changes. Everything works without it; it only saves reloading by hand.
"use strict";
(function () {
  const request = document.getElementById("request");
  const home = document.getElementById("phone-home");
  const countdown = document.getElementById("countdown");

  if (request) {
    let deadline = Date.now() + (Number(request.dataset.expiresInMs) || 0);
    const tick = function () {
      const seconds = Math.floor(Math.max(0, deadline - Date.now()) / 1000);
      if (countdown) countdown.textContent = Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
    };
    const poll = async function () {
      try {
        const response = await fetch(request.dataset.statusUrl, { cache: "no-store" });
        if (response.ok) {
          const ticket = await response.json();
          if (ticket.state !== "pending") {
            window.location.reload();
            return;
          }
          deadline = Date.now() + ticket.expiresInMs;
        }
      } catch (error) {
        // Keep the last known countdown; the next poll tries again.
      }
      window.setTimeout(poll, 2000);
    };
    tick();
    window.setInterval(tick, 1000);
    window.setTimeout(poll, 2000);
  }

  if (home) {
    const known = home.dataset.pendingIds || "";
    const poll = async function () {
      try {
        const response = await fetch(home.dataset.pendingUrl, { cache: "no-store" });
        if (response.ok) {
          const answer = await response.json();
          if (answer.ticketIDs.join(",") !== known) {
            window.location.reload();
            return;
          }
        }
      } catch (error) {
        // Try again on the next round.
      }
      window.setTimeout(poll, 2000);
    };
    window.setTimeout(poll, 2000);
  }
})();
