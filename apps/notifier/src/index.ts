/** What tests and tools may use of the notifier (start it in-process, run a dispatch pass). */
export { NotifierModule } from './notifier.module.js';
export { DeliveryDispatcher, POLL_INTERVAL_MS } from './deliveries/delivery-dispatcher.service.js';
export { classifyAddress, isPublicAddress, type AddressClass } from './deliveries/address-policy.js';
