export * from './contract';
export * from './view';
export * from './wire';
export * from './client';
export { createDispatcher, encodeEvent, type CommandHandlers } from './dispatcher';
export { createInProcessTransport } from './in-process';
export * from './bridge';
