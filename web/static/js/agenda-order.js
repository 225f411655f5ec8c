// Drag and drop for the agenda editor: an enhancement of the "nach oben"/"nach unten" forms, which stay the
// keyboard way. A dropped item is sent through its own move form with the target index among its siblings,
// so the server renumbers the agenda exactly as it does for the buttons.

const LIST = "ol[data-sortable]";
const ITEM = ":scope > li[data-item]";

function siblingsOf(list) {
  return Array.from(list.querySelectorAll(ITEM));
}

function addHandle(item) {
  const row = item.querySelector(":scope > .editor-row");
  const form = item.querySelector(":scope > .editor-actions .move-form");
  if (!row || !form || row.querySelector(".drag-handle")) {
    return;
  }
  const handle = document.createElement("span");
  handle.className = "drag-handle";
  handle.draggable = true;
  handle.setAttribute("aria-hidden", "true");
  handle.title = form.dataset.dragHint || "";
  handle.textContent = "⠿";
  row.prepend(handle);
}

function dropIndex(list, dragged, clientY) {
  const others = siblingsOf(list).filter((item) => item !== dragged);
  const after = others.findIndex((item) => {
    const box = item.getBoundingClientRect();
    return clientY < box.top + box.height / 2;
  });
  return after === -1 ? others.length : after;
}

function clearMarks(list) {
  list.querySelectorAll(".is-drop-target").forEach((item) => item.classList.remove("is-drop-target"));
}

function enhance(list) {
  if (list.dataset.sortableReady) {
    return;
  }
  list.dataset.sortableReady = "1";
  let dragged = null;
  siblingsOf(list).forEach(addHandle);

  list.addEventListener("dragstart", (event) => {
    const handle = event.target.closest?.(".drag-handle");
    const item = handle?.closest("li[data-item]");
    if (!item || item.parentElement !== list) {
      return;
    }
    dragged = item;
    item.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.dataset.item);
    event.stopPropagation();
  });

  list.addEventListener("dragover", (event) => {
    if (!dragged) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    clearMarks(list);
    const others = siblingsOf(list).filter((item) => item !== dragged);
    const target = others[dropIndex(list, dragged, event.clientY)];
    target?.classList.add("is-drop-target");
  });

  list.addEventListener("dragend", () => {
    dragged?.classList.remove("is-dragging");
    dragged = null;
    clearMarks(list);
  });

  list.addEventListener("drop", (event) => {
    if (!dragged) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    const item = dragged;
    const index = dropIndex(list, item, event.clientY);
    const current = siblingsOf(list).indexOf(item);
    clearMarks(list);
    if (index === current) {
      return;
    }
    const form = item.querySelector(":scope > .editor-actions .move-form");
    form.querySelector("input[name=to]").value = String(index);
    form.requestSubmit();
  });
}

function enhanceWithin(root) {
  if (root.matches?.(LIST)) {
    enhance(root);
  }
  root.querySelectorAll?.(LIST).forEach(enhance);
}

enhanceWithin(document);
// htmx replaces the agenda section after every change: enhance the new lists as they arrive.
document.addEventListener("htmx:load", (event) => enhanceWithin(event.target));
