export { KeywayCore, createCoreHandlers } from './keyway-core';
