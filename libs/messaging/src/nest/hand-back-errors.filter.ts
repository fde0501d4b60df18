import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Hands a handler's error back to BrokerServer unchanged. Nest's default RPC filter would log it
 * and replace it with `{ status: 'error', message: 'Internal server error' }`; the Broker instead
 * turns it into a `retry` with the error's message as the reason, as it always has.
 */
@Catch()
export class HandBackErrorsFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
