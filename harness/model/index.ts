// The kernel timer model: pure, version-aware predictions of TCP timer events.
// See docs/timer-model.md. Every function cites the kernel function it mirrors.

export type { PredictedEvent, Schedule } from './schedule.ts';
export { eventById, predictedEnd } from './schedule.ts';
export type { KernelVersion } from './kernel-version.ts';
export { atLeast, compareVersions, formatVersion, inSeries, parseKernelVersion } from './kernel-version.ts';
export type { FactKey, KernelChange, KernelFacts, VersionRange } from './kernel-facts.ts';
export {
  DEFAULT_HZ,
  DEFAULT_SYSCTLS,
  KERNEL_CHANGES,
  TCP_RTO_MAX_S,
  TCP_RTO_MIN_S,
  TCP_TIMEOUT_INIT_S,
  TCP_TIMEOUT_MIN_JIFFIES,
  TCP_TIMEWAIT_LEN_S,
  changesFor,
  factsFor,
} from './kernel-facts.ts';
export type { FireWindow } from './timer-wheel.ts';
export { fireWindow, granuleJiffies, maxChainLateness_s, secondsToJiffies, wheelLevel } from './timer-wheel.ts';
export type { KeepaliveParams } from './keepalive.ts';
export { keepaliveSchedule } from './keepalive.ts';
export type { RtoParams } from './rto.ts';
export { rtoSchedule, tcpModelTimeout } from './rto.ts';
export type { SynRecvParams, SynSentParams } from './syn.ts';
export { synRecvSchedule, synSentSchedule } from './syn.ts';
export type { PersistParams } from './persist.ts';
export { persistSchedule } from './persist.ts';
export type { OrphanProbeState, OrphanProbeVerdict } from './orphan.ts';
export { orphanProbeVerdict, orphanRetransmitRetries, tcpOrphanRetries } from './orphan.ts';
export type { FinWait2Params } from './fin-wait.ts';
export { finWait2Schedule } from './fin-wait.ts';
export type { DeferAcceptParams } from './defer-accept.ts';
export { deferAcceptSchedule, retransToSecs, secsToRetrans } from './defer-accept.ts';
export type { RtoEstimateParams } from './rto-estimate.ts';
export { initialRto } from './rto-estimate.ts';
export { LOOPBACK_SRTT_S, TCP_ATO_MIN_S, handshakeRto, loopbackRtoAfterDelayedAck } from './loopback.ts';
export { firstArmWindow } from './tick-phase.ts';
export type { TailContent, TailContentParams } from './tail-content.ts';
export { tailContent } from './tail-content.ts';
export type { ReaderPacedParams } from './reader-paced.ts';
export { readerPacedSchedule } from './reader-paced.ts';
