import { Module } from '@nestjs/common';
import { CaptchaFloodGuard } from './captcha-flood-guard.js';
import { CaptchaRpcClient } from './captcha-rpc.client.js';
import { CaptchaController } from './captcha.controller.js';
import { WidgetController } from './widget.controller.js';

/** The captcha SDK API, the browser widget and its demo page (the platform's providers are global). */
@Module({
  controllers: [CaptchaController, WidgetController],
  providers: [CaptchaRpcClient, CaptchaFloodGuard],
})
export class CaptchaGatewayModule {}
