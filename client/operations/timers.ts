import { graphql } from '../generated/index.js';

export const timerFieldsFragment = graphql(`
  fragment TimerFields on Timer {
    id
    roomId
    label
    durationMs
    remainingMs
    tickMs
    status
    startedBy { id name }
    startedAt
    endsAt
  }
`);

export const startTimerMutation = graphql(`
  mutation StartTimer($input: StartTimerInput!) {
    startTimer(input: $input) { ...TimerFields }
  }
`);

export const pauseTimerMutation = graphql(`
  mutation PauseTimer($id: ID!) {
    pauseTimer(id: $id) { ...TimerFields }
  }
`);

export const resumeTimerMutation = graphql(`
  mutation ResumeTimer($id: ID!) {
    resumeTimer(id: $id) { ...TimerFields }
  }
`);

export const stopTimerMutation = graphql(`
  mutation StopTimer($id: ID!) {
    stopTimer(id: $id) { ...TimerFields }
  }
`);

export const roomTimersQuery = graphql(`
  query RoomTimers($roomId: ID!) {
    room(id: $roomId) { id timers { ...TimerFields } }
  }
`);

export const timerTickedSubscription = graphql(`
  subscription TimerTicked($timerId: ID!) {
    timerTicked(timerId: $timerId) {
      remainingMs
      serverTime
      timer { ...TimerFields }
    }
  }
`);
