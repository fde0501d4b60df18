/** Injection tokens shared by every app's module. */
export const PLATFORM_CONFIG = Symbol('PLATFORM_CONFIG');
export const APP_LOGGER = Symbol('APP_LOGGER');
