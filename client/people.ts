// Who is online / typing in a room: a snapshot (`replace`) kept current by changes (`apply`). Changes
// missed while disconnected are never replayed, so a new stream starts from a new snapshot.
import { createValue, type ObservableValue } from './observable-value.js';

export interface Person {
  id: string;
  name: string;
}

export interface PeopleSet {
  readonly people: ObservableValue<readonly Person[]>;
  apply(person: Person, on: boolean): void;
  /** Everyone on right now, in place of what the set held. */
  replace(people: readonly Person[]): void;
  reset(): void;
}

const sameIds = (a: readonly Person[], b: readonly Person[]) =>
  a.length === b.length && a.every((person, i) => person.id === b[i]?.id && person.name === b[i]?.name);

/** People sorted by name then id, so every client lists them in the same order. */
export const createPeopleSet = (exclude?: string): PeopleSet => {
  const byId = new Map<string, Person>();
  const people = createValue<readonly Person[]>([], sameIds);
  const publish = () =>
    people.set([...byId.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id)));
  return {
    people,
    apply(person, on) {
      if (person.id === exclude) return;
      if (on) byId.set(person.id, { id: person.id, name: person.name });
      else byId.delete(person.id);
      publish();
    },
    replace(list) {
      byId.clear();
      for (const person of list) if (person.id !== exclude) byId.set(person.id, { id: person.id, name: person.name });
      publish();
    },
    reset() {
      byId.clear();
      publish();
    },
  };
};
