import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { CaptchaRpcClient } from './captcha-rpc.client.js';
import { CaptchaController } from './captcha.controller.js';
import { sdkCors } from './sdk-cors.middleware.js';
import { WidgetController } from './widget.controller.js';

/** The captcha SDK API (with CORS for the widget), the browser widget and its demo page (the platform's providers are global). */
@Module({
  controllers: [CaptchaController, WidgetController],
  providers: [CaptchaRpcClient],
})
export class CaptchaGatewayModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(sdkCors).forRoutes({ path: 'api/v2/sdk/captcha', method: RequestMethod.ALL }, { path: 'api/v2/sdk/captcha/*path', method: RequestMethod.ALL });
  }
}
