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
document.addEventListener("change", function (event) {
  // A file over the size limit is refused before it is sent, instead of after a long upload on a
  // phone (the server checks again anyway): the choice is cleared and the reason shown under the field.
  var input = event.target;
  if (!input.matches || !input.matches("input[type=file][data-max-bytes]") || !input.files) { return; }
  var max = parseInt(input.getAttribute("data-max-bytes"), 10);
  var tooBig = Array.prototype.filter.call(input.files, function (f) { return f.size > max; });
  var note = input.parentNode.querySelector(".size-error");
  if (!tooBig.length) {
    if (note) { note.remove(); }
    return;
  }
  input.value = "";
  if (!note) {
    note = document.createElement("p");
    note.className = "field-error size-error";
    note.setAttribute("role", "alert");
    input.insertAdjacentElement("afterend", note);
  }
  note.textContent = input.getAttribute("data-too-large") ||
    ("Tệp “" + tooBig[0].name + "” lớn hơn " + Math.round(max / 1048576) +
     " MB. Vui lòng chọn tệp nhỏ hơn (chụp lại ảnh ở chất lượng thấp hơn hoặc nén PDF).");
});
