// Which screen the address shows. Every screen has its own address, so a
// reload (or the tablet's back button) shows the same thing:
//   #/                              the caseload
//   #/child/DEMO-0001               a child's page
//   #/child/DEMO-0001/note          a new visit note
//   #/child/DEMO-0001/note/ID       a visit note being written or read
//   #/child/DEMO-0001/handover      choose a form and hand the tablet to the child
//   #/child/DEMO-0001/letter/ID     a letter to the child: edit, preview, submit
//   #/child/DEMO-0001/consultation/ID   a consultation form, answered
//   #/child/DEMO-0001/review/ID/letter   draft a new letter from a review
//   #/refused                       changes the server refused, with its reasons
//   #/passphrase                    set or change the passphrase
//   #/child-mode                    the child's form (child mode)
//   #/child-mode/leave              the IRO's passphrase, to leave child mode
// The unlock and lease screens have no address: they show over whichever
// screen was asked for, and it shows once they are done.

export function route(hash) {
  const path = (hash ?? "").replace(/^#/, "").split("/").filter(Boolean).map(decodeURIComponent);
  if (path.length === 0) return { screen: "caseload" };
  if (path.length === 1 && ["refused", "passphrase"].includes(path[0])) return { screen: path[0] };
  if (path[0] === "child-mode" && path.length === 1) return { screen: "child-mode" };
  if (path[0] === "child-mode" && path[1] === "leave" && path.length === 2) return { screen: "child-mode-leave" };
  if (path[0] === "child" && path.length === 2) return { screen: "child", childId: path[1] };
  if (path[0] === "child" && path[2] === "handover" && path.length === 3) {
    return { screen: "handover", childId: path[1] };
  }
  if (path[0] === "child" && path[2] === "consultation" && path.length === 4) {
    return { screen: "consultation", childId: path[1], consultationId: path[3] };
  }
  if (path[0] === "child" && path[2] === "letter" && path.length === 4) {
    return { screen: "letter", childId: path[1], letterId: path[3] };
  }
  if (path[0] === "child" && path[2] === "review" && path[4] === "letter" && path.length === 5) {
    return { screen: "letter-draft", childId: path[1], reviewId: path[3] };
  }
  if (path[0] === "child" && path[2] === "note" && path.length <= 4) {
    return { screen: "note", childId: path[1], noteId: path[3] ?? null };
  }
  return { screen: "not-found" };
}

// In child mode only the child's form and the way out have an address;
// anything else typed or gone back to shows the form.
export function childModeRoute(where) {
  return where.screen === "child-mode-leave" ? where : { screen: "child-mode" };
}

export function childAddress(childId) {
  return `#/child/${encodeURIComponent(childId)}`;
}

export function noteAddress(childId, noteId = null) {
  return `${childAddress(childId)}/note${noteId ? `/${encodeURIComponent(noteId)}` : ""}`;
}

export function handoverAddress(childId) {
  return `${childAddress(childId)}/handover`;
}

export function letterAddress(childId, letterId) {
  return `${childAddress(childId)}/letter/${encodeURIComponent(letterId)}`;
}

export function letterDraftAddress(childId, reviewId) {
  return `${childAddress(childId)}/review/${encodeURIComponent(reviewId)}/letter`;
}

export function consultationAddress(childId, consultationId) {
  return `${childAddress(childId)}/consultation/${encodeURIComponent(consultationId)}`;
}
