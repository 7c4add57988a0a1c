// One open room: the chat (messages with their send state, who is typing), who is online, and the
// shared countdown with its controls. Everything is rendered from the client's observable values.
import type { Person, RoomSession, TimelineEntry } from '../../../client/index.js';
import { showError } from './connection-view.js';
import { describeCountdown, formatRemaining } from './countdown-format.js';
import { byTestId, element, showView } from './dom.js';

const STATE_TEXT: Record<TimelineEntry['status'], string> = { sent: '', pending: 'sending…', failed: 'failed' };

const messageItem = (entry: TimelineEntry, viewerId: string, retry: (clientId: string) => void): HTMLLIElement => {
  const state = element('span', { className: 'state', text: entry.errorCode ? `${STATE_TEXT[entry.status]} (${entry.errorCode})` : STATE_TEXT[entry.status] });
  const item = element('li', { className: entry.author.id === viewerId ? 'mine' : '', data: { status: entry.status, seq: String(entry.seq ?? ''), key: entry.key } }, [
    element('span', { className: 'author', text: entry.author.name }),
    element('span', { className: 'body', text: entry.body }),
    state,
  ]);
  if (entry.status === 'failed' && entry.clientId !== null) {
    const clientId = entry.clientId;
    const again = element('button', { text: 'retry' });
    again.onclick = () => retry(clientId);
    item.append(' ', again);
  }
  return item;
};

const typingText = (people: readonly Person[]): string => {
  if (people.length === 0) return '';
  const names = people.map((person) => person.name);
  return `${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} typing…`;
};

export const showRoom = (session: RoomSession, viewerId: string): (() => void) => {
  showView('room');
  byTestId('room-name', HTMLElement).textContent = session.room.name;
  byTestId('room-id', HTMLElement).textContent = session.room.id;
  const messages = byTestId('messages', HTMLOListElement);
  const typing = byTestId('typing', HTMLElement);
  const online = byTestId('online', HTMLUListElement);
  const countdown = byTestId('countdown', HTMLElement);
  const countdownStatus = byTestId('countdown-status', HTMLElement);
  const composerForm = byTestId('composer-form', HTMLFormElement);
  const composer = byTestId('composer', HTMLInputElement);
  const duration = byTestId('countdown-duration', HTMLSelectElement);
  const start = byTestId('countdown-start', HTMLButtonElement);
  const pause = byTestId('countdown-pause', HTMLButtonElement);
  const resume = byTestId('countdown-resume', HTMLButtonElement);
  const stop = byTestId('countdown-stop', HTMLButtonElement);

  const unwatch = [
    session.timeline.subscribe((entries) => {
      const atBottom = messages.scrollHeight - messages.scrollTop - messages.clientHeight < 40;
      messages.replaceChildren(...entries.map((entry) => messageItem(entry, viewerId, session.retry)));
      if (atBottom) messages.scrollTop = messages.scrollHeight;
    }),
    session.typing.subscribe((people) => {
      typing.textContent = typingText(people);
    }),
    session.online.subscribe((people) => {
      online.replaceChildren(...people.map((person) => element('li', { text: person.name, data: { userId: person.id } })));
    }),
    session.countdown.subscribe((view) => {
      countdown.textContent = view ? formatRemaining(view.remainingMs) : '--:--';
      countdown.dataset['status'] = view?.status ?? 'NONE';
      countdown.dataset['remainingMs'] = String(view?.remainingMs ?? '');
      countdownStatus.textContent = describeCountdown(view);
      const live = view?.status === 'RUNNING' || view?.status === 'PAUSED';
      start.disabled = live;
      pause.disabled = view?.status !== 'RUNNING';
      resume.disabled = view?.status !== 'PAUSED';
      stop.disabled = !live;
    }),
    session.error.subscribe((error) => {
      if (error) showError(error);
    }),
  ];

  composer.oninput = () => session.typingKeystroke();
  composerForm.onsubmit = (event) => {
    event.preventDefault();
    const body = composer.value.trim();
    if (!body) return;
    session.send(body);
    composer.value = '';
  };
  start.onclick = () => void session.startCountdown(Number(duration.value), 'Quiz').catch(showError);
  pause.onclick = () => void session.pauseCountdown().catch(showError);
  resume.onclick = () => void session.resumeCountdown().catch(showError);
  stop.onclick = () => void session.stopCountdown().catch(showError);

  return () => {
    for (const stopWatching of unwatch) stopWatching();
    session.close();
  };
};
