/* Small page behaviours, declared in the HTML with data attributes instead of inline handlers
   (the Content-Security-Policy runs no inline code):
     <form data-confirm="Question?">      asks before submitting; Cancel keeps the page as is
     <button data-confirm="Question?">    the same, for one button of a form
     <select data-autosubmit>             submits its form when the choice changes
     <input data-select-on-focus>         selects its whole text when clicked, for copying
     <button data-copy-from="element-id"> copies that field's value, then says "Copied"
     <button data-print>                  opens the print dialog */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.dataset ? form.dataset.confirm : undefined;
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-confirm], [data-copy-from], [data-print], [data-select-on-focus]") : null;
    if (!target) {
      return;
    }
    if (target.matches("button[data-confirm], input[type=submit][data-confirm]")) {
      if (!window.confirm(target.dataset.confirm)) {
        event.preventDefault();
      }
    } else if (target.matches("[data-copy-from]")) {
      var field = document.getElementById(target.dataset.copyFrom);
      if (field && navigator.clipboard) {
        navigator.clipboard.writeText(field.value).then(function () {
          target.textContent = "Copied";
        });
      }
    } else if (target.matches("[data-print]")) {
      window.print();
    } else if (target.matches("[data-select-on-focus]")) {
      target.select();
    }
  });

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]") && target.form) {
      target.form.requestSubmit ? target.form.requestSubmit() : target.form.submit();
    }
  });
})();
