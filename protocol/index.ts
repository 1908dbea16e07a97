export * from './errors';
export * from './deep-link';
export * from './server-origin';
export * from './deployment-code';
export * from './deployment-link';
export * from './api';
export * from './mfa';
