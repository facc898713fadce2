// Small progressive enhancements; every page works without this file.
// After an htmx swap the element that held the focus is usually gone and the focus falls back to <body>:
// a keyboard or screen-reader user is thrown to the top of the page. Put it where the answer is: the first
// wrong field, else the first field of a form that came back, else the message saying what was done,
// else the new content itself. A swap the person did not cause (a poll) leaves the focus where it is.
function markInvalidFields(root) {
  // A message under a field names that field: the nearest input before it in the same form.
  root.querySelectorAll(".field-error").forEach(function (message, n) {
    var node = message.previousElementSibling, field = null, inside;
    while (node && !field) {
      inside = node.querySelectorAll("input:not([type=hidden]), textarea, select");
      field = node.matches("input:not([type=hidden]), textarea, select") ? node : inside[inside.length - 1] || null;
      node = node.previousElementSibling;
    }
    if (!field || field.getAttribute("aria-invalid") === "true") { return; }
    if (!message.id) { message.id = (field.id || "field") + "-error-" + n; }
    field.setAttribute("aria-invalid", "true");
    field.setAttribute("aria-describedby", message.id);
  });
}
document.addEventListener("htmx:afterSettle", function (event) {
  var target = event.detail.target;
  var fresh = target && target.id ? document.getElementById(target.id) : null;
  if (!fresh) { fresh = target && document.body.contains(target) ? target : null; }
  if (!fresh) { return; }
  var active = document.activeElement;
  if (active && active !== document.body && !fresh.contains(active)) { return; }
  markInvalidFields(fresh);
  var spot = fresh.querySelector("[aria-invalid=true]") ||
    fresh.querySelector("form input:not([type=hidden]):not([disabled]), form textarea, form select") ||
    fresh.querySelector("[role=status], [role=alert], .alert") || fresh;
  if (!spot.matches("input, textarea, select, button, a[href]") && !spot.hasAttribute("tabindex")) {
    spot.setAttribute("tabindex", "-1");
  }
  spot.focus();
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

// Menus: a button[data-menu] opens and closes the element it names in aria-controls and says so in
// aria-expanded; Escape closes the open menus and gives the focus back to the button; a click elsewhere
// closes them.
function setMenu(button, open) {
  var panel = document.getElementById(button.getAttribute("aria-controls"));
  if (!panel) { return; }
  button.setAttribute("aria-expanded", open ? "true" : "false");
  panel.classList.toggle("open", open);
  // The search box's own menu (wide screens) opens ready to type; the phone menu does not focus it,
  // which would raise the keyboard over the links.
  var field = open && panel.getAttribute("role") === "search" ? panel.querySelector("input[type=search]") : null;
  if (field) { field.focus(); }
}
document.addEventListener("click", function (event) {
  var button = event.target.closest ? event.target.closest("button[data-menu]") : null;
  document.querySelectorAll("button[data-menu][aria-expanded=true]").forEach(function (other) {
    var panel = document.getElementById(other.getAttribute("aria-controls"));
    if (other !== button && !(panel && panel.contains(event.target))) { setMenu(other, false); }
  });
  if (button) { setMenu(button, button.getAttribute("aria-expanded") !== "true"); }
});
document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") { return; }
  var open = document.querySelectorAll("button[data-menu][aria-expanded=true]");
  if (!open.length) { return; }
  var back = null;
  open.forEach(function (button) {
    setMenu(button, false);
    if (button.offsetParent !== null) { back = button; }   // a visible button takes the focus back
  });
  if (back) { back.focus(); }
});

// Printing a page, and saving a table of it as a CSV file Excel opens in Vietnamese (UTF-8 with a BOM),
// built in the browser from the table itself: the temporary passwords of an import are never kept on
// the server, so this page is the only place they exist.
document.addEventListener("click", function (event) {
  var print = event.target.closest ? event.target.closest("[data-print]") : null;
  if (print) { window.print(); return; }
  var button = event.target.closest ? event.target.closest("[data-download-table]") : null;
  if (!button) { return; }
  var table = document.querySelector(button.getAttribute("data-download-table"));
  if (!table) { return; }
  var lines = Array.prototype.map.call(table.querySelectorAll("tr"), function (row) {
    return Array.prototype.map.call(row.querySelectorAll("th, td"), function (cell) {
      return '"' + cell.textContent.trim().replace(/"/g, '""') + '"';
    }).join(",");
  });
  var blob = new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], {type: "text/csv;charset=utf-8"});
  var link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = button.getAttribute("data-file-name") || "danh-sach.csv";
  document.body.appendChild(link);
  link.click();
  setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 0);
});
