import { Global, Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { SdkAdmission } from './sdk-admission.service.js';
import { sdkCors } from './sdk-cors.middleware.js';

/** What the captcha and SMS SDK APIs share: header rules, app admission, client address, CORS. */
@Global()
@Module({ providers: [SdkAdmission], exports: [SdkAdmission] })
export class SdkModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(sdkCors).forRoutes({ path: 'api/v2/sdk/*path', method: RequestMethod.ALL });
  }
}
