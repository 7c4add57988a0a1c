// The few DOM helpers the page needs: find an element by its data-testid (the same handles the browser
// tests use), and build small elements without innerHTML, so message text can never become markup.

/** The element with `data-testid="<id>"`, checked to be of `type`; throws if the page lacks it. */
export const byTestId = <T extends HTMLElement>(id: string, type: new () => T): T => {
  const found = document.querySelector(`[data-testid="${id}"]`);
  if (!(found instanceof type)) throw new Error(`the page has no ${type.name} [data-testid="${id}"]`);
  return found;
};

/** A section shown for one stage of the page: sign-in, lobby or room. */
export const showView = (name: 'sign-in' | 'lobby' | 'room'): void => {
  for (const view of document.querySelectorAll<HTMLElement>('[data-view]')) view.hidden = view.dataset['view'] !== name;
};

export const element = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; text?: string; data?: Record<string, string> } = {},
  children: (Node | string)[] = [],
): HTMLElementTagNameMap[K] => {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [key, value] of Object.entries(props.data ?? {})) node.dataset[key] = value;
  node.append(...children);
  return node;
};

/** A form's named text field. */
export const fieldOf = (form: HTMLFormElement, name: string): string => {
  const value = new FormData(form).get(name);
  return typeof value === 'string' ? value.trim() : '';
};
