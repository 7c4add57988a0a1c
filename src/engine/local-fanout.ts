// One shared registry of in-process listeners per topic. Engines call `onFirst`/`onLast` to hold one
// backing subscription per topic (e.g. one Redis SUBSCRIBE), however many local subscribers there are.

export interface LocalFanout<E> {
  add(topic: string, listener: (event: E) => void): { isFirst: boolean; remove(): { wasLast: boolean } };
  emit(topic: string, event: E): void;
  listenerCount(topic: string): number;
  topicCount(): number;
}

/** `afterEmit` sees each event once, after every local listener had it (metrics); it must be cheap. */
export const createLocalFanout = <E>(onListenerError: (error: unknown) => void, afterEmit?: (event: E) => void): LocalFanout<E> => {
  const listenersByTopic = new Map<string, Set<(event: E) => void>>();
  return {
    add(topic, listener) {
      let listeners = listenersByTopic.get(topic);
      const isFirst = listeners === undefined;
      if (!listeners) {
        listeners = new Set();
        listenersByTopic.set(topic, listeners);
      }
      // Wrapped so that subscribing the same function twice yields two independent subscriptions.
      const entry = (event: E) => listener(event);
      listeners.add(entry);
      let removed = false;
      return {
        isFirst,
        remove() {
          if (removed) return { wasLast: false };
          removed = true;
          const current = listenersByTopic.get(topic);
          current?.delete(entry);
          if (current && current.size === 0) {
            listenersByTopic.delete(topic);
            return { wasLast: true };
          }
          return { wasLast: false };
        },
      };
    },
    emit(topic, event) {
      const listeners = listenersByTopic.get(topic);
      if (!listeners) return;
      for (const listener of listeners) {
        try {
          listener(event);
        } catch (error) {
          // One broken subscriber must not stop delivery to the others.
          onListenerError(error);
        }
      }
      afterEmit?.(event);
    },
    listenerCount: (topic) => listenersByTopic.get(topic)?.size ?? 0,
    topicCount: () => listenersByTopic.size,
  };
};
