// A manifest handed from one view to the Apply view (the templates gallery fills a form, then opens the
// editor with the result). Taken once, so reopening Apply later starts from the user's own text.

let draft: string | undefined;

export function setApplyDraft(yaml: string): void {
  draft = yaml;
}

export function takeApplyDraft(): string | undefined {
  const taken = draft;
  draft = undefined;
  return taken;
}
