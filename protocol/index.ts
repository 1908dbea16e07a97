export * from './errors';
export * from './deep-link';
