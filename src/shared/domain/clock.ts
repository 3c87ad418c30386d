/** The one source of "now" on the write side: recorded time is stamped at the command's edge. */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
