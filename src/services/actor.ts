/** Who does something, with the display name their events carry. */
export interface Actor {
  readonly userId: string;
  readonly name: string;
}
