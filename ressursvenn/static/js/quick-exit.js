// The woman's questionnaire pages (templates/surveys/public/): no trace in the history.
//
// 1. "Forlat siden raskt" (and the Escape key) go to a neutral site with location.replace, so
//    this page is replaced in the history and the back button does not return here.
// 2. Every step is posted back to the same address. A normal form post would add a history
//    entry per step (and back would lead to an earlier step); so the forms marked
//    data-no-history are sent with fetch, and the page they lead to replaces this one. When the server answers without a redirect (a page with errors), the form is sent
//    the ordinary way instead. Without this script everything still works, only the history
//    keeps the steps.
(function () {
  "use strict";

  function leave(url) {
    document.body.hidden = true;
    window.location.replace(url);
  }

  function exitUrl() {
    var link = document.querySelector("[data-quick-exit]");
    return link ? link.getAttribute("href") : null;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-quick-exit]") : null;
    if (!link) {
      return;
    }
    event.preventDefault();
    leave(link.getAttribute("href"));
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") {
      var url = exitUrl();
      if (url) {
        event.preventDefault();
        leave(url);
      }
    }
  });

  function sendTheOrdinaryWay(form, submitter) {
    form.dataset.ordinary = "1";
    if (submitter && form.requestSubmit) {
      form.requestSubmit(submitter);
    } else {
      form.submit();
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-no-history]") || form.dataset.ordinary) {
      return;
    }
    if (!window.fetch || !window.FormData) {
      return;
    }
    event.preventDefault();
    var submitter = event.submitter || null;
    // Not form.action: the buttons are named "action", which shadows that property.
    var target = new URL(form.getAttribute("action") || "", window.location.href).href;
    var body;
    try {
      body = new FormData(form, submitter);
    } catch (error) {
      body = new FormData(form);
      if (submitter && submitter.name) {
        body.append(submitter.name, submitter.value);
      }
    }
    // Her pages always redirect back to the form's own address: no need to follow it here
    // (following it would also use up a message meant for the next page).
    var options = { method: "POST", body: body, credentials: "same-origin", redirect: "manual" };
    fetch(target, options)
      .then(function (response) {
        if (response.type === "opaqueredirect") {
          window.location.replace(target);
        } else {
          sendTheOrdinaryWay(form, submitter);
        }
      })
      .catch(function () {
        sendTheOrdinaryWay(form, submitter);
      });
  });
})();
