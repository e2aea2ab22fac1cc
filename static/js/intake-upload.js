// Upload progress for the phone-backup form. htmx sends the form and fires htmx:xhr:progress
// while the file goes up; without JavaScript the form is a plain multipart POST and works the
// same, just without the progress bar.
(function () {
  "use strict";
  document.addEventListener("htmx:xhr:progress", function (event) {
    var target = event.target;
    var form = target && target.closest ? target.closest("[data-upload-progress]") : null;
    if (!form) return;
    var detail = event.detail || {};
    if (!detail.lengthComputable || !detail.total) return;
    var box = form.querySelector("[data-progress-box]");
    var bar = form.querySelector("[data-progress]");
    var text = form.querySelector("[data-progress-text]");
    if (!box || !bar || !text) return;
    var percent = Math.min(100, Math.round((detail.loaded / detail.total) * 100));
    box.hidden = false;
    bar.value = percent;
    bar.textContent = percent + "%";
    text.textContent = percent < 100 ? percent + "%" : box.getAttribute("data-analysing") || "";
  });
})();
