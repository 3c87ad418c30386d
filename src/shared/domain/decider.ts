/**
 * A decider is the whole behaviour of one stream, pure: no I/O, no clock, no random ids.
 * Time and ids arrive in the command; anything needing I/O is resolved by the handler and passed in as data.
 */
export interface DomainEvent<Type extends string = string, Data extends object = object> {
  type: Type;
  data: Data;
}

export interface Decider<Command, Event extends DomainEvent, State> {
  initialState(): State;
  /** Never throws; ignores what does not apply. */
  evolve(state: State, event: Event): State;
  /** Throws a coded DomainError when the command is not allowed in this state. */
  decide(command: Command, state: State): Event[];
}
