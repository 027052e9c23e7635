// Which screen the address shows. Every screen has its own address, so a
// reload (or the tablet's back button) shows the same thing:
//   #/                         the caseload
//   #/child/DEMO-0001          a child's page
//   #/child/DEMO-0001/note     a new visit note
//   #/child/DEMO-0001/note/ID  a visit note being written or read
//   #/refused                  changes the server refused, with its reasons

export function route(hash) {
  const path = (hash ?? "").replace(/^#/, "").split("/").filter(Boolean).map(decodeURIComponent);
  if (path.length === 0) return { screen: "caseload" };
  if (path[0] === "refused" && path.length === 1) return { screen: "refused" };
  if (path[0] === "child" && path.length === 2) return { screen: "child", childId: path[1] };
  if (path[0] === "child" && path[2] === "note" && path.length <= 4) {
    return { screen: "note", childId: path[1], noteId: path[3] ?? null };
  }
  return { screen: "not-found" };
}

export function childAddress(childId) {
  return `#/child/${encodeURIComponent(childId)}`;
}

export function noteAddress(childId, noteId = null) {
  return `${childAddress(childId)}/note${noteId ? `/${encodeURIComponent(noteId)}` : ""}`;
}
