// Small progressive enhancements; every page works without this file.
document.addEventListener("htmx:afterSwap", function (event) {
  // After an inline form comes back with errors, put the cursor on the first wrong field.
  var invalid = event.detail.target.querySelector("[aria-invalid=true]");
  if (invalid) { invalid.focus(); }
});
document.addEventListener("htmx:responseError", function (event) {
  // A server error that htmx could not place: say so instead of failing silently.
  if (!event.detail.xhr.getResponseHeader("HX-Retarget")) {
    var box = document.getElementById("messages");
    if (box) {
      box.innerHTML = '<div class="alert alert-error" role="alert">Không thực hiện được thao tác (lỗi ' +
        event.detail.xhr.status + '). Vui lòng tải lại trang và thử lại.</div>';
    }
  }
});
document.addEventListener("htmx:sendError", function () {
  var box = document.getElementById("messages");
  if (box) {
    box.innerHTML = '<div class="alert alert-error" role="alert">Mất kết nối tới máy chủ. Thay đổi chưa được lưu; vui lòng thử lại.</div>';
  }
});
