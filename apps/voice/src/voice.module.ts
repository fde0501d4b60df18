import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Queues } from '#libs/contracts';
import { CONSUMER_SETTINGS, type ConsumerSettings } from '#libs/messaging';
import { PlatformModule } from '#libs/platform';
import type { JsonLogger, PlatformConfig } from '#libs/runtime';
import { CallSessionsRepository, ToneFilesRepository, VoiceWorkersRepository } from '#libs/persistence';
import { PlaceCallController } from './calls/place-call.controller.js';
import { PlaceCallUseCase } from './calls/place-call.use-case.js';
import { CARRIER, type Carrier } from './carriers/carrier.js';
import { SimCarrier } from './carriers/sim/sim.carrier.js';
import { SipCarrier } from './carriers/sip/sip.carrier.js';
import { PgToneSource } from './media/pg-tone-source.js';
import { DigitPrompts } from './media/prompt.js';
import { ToneCache } from './media/tone-cache.js';
import { VoicePortsService } from './ports/voice-ports.service.js';
import { OrphanSweeperService } from './recovery/orphan-sweeper.service.js';

export function createCarrier(config: PlatformConfig, dataSource: DataSource, logger: JsonLogger): Carrier {
  switch (config.voice.carrier) {
    case 'sim':
      return new SimCarrier({ ringMs: config.voice.simRingMs, promptMs: config.voice.simPromptMs });
    case 'sip': {
      const sip = config.sip;
      if (!sip.trunk) throw new Error('VERIGATE_SIP_TRUNK is required when VERIGATE_VOICE_CARRIER=sip');
      return new SipCarrier(
        {
          trunk: { host: sip.trunk.host, port: sip.trunk.port },
          username: sip.username,
          password: sip.password,
          localPort: sip.localPort,
          bindAddress: sip.bindAddress,
          publicAddress: sip.publicAddress,
          rtpPorts: { min: sip.rtpPortMin, max: sip.rtpPortMax },
          codecs: sip.codecs,
          fromDomain: sip.fromDomain,
          stripPlus: sip.stripPlus,
          allowPrivateMedia: sip.allowPrivateMedia,
        },
        new ToneCache(new PgToneSource(new ToneFilesRepository(dataSource))),
        new DigitPrompts(),
        logger.child({ carrier: 'sip' }),
      );
    }
  }
}

/** Starts the carrier with the worker (a SIP port that cannot be bound fails the start) and closes it last. */
@Injectable()
class CarrierLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(CARRIER) private readonly carrier: Carrier) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.carrier.start?.();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.carrier.close?.();
  }
}

@Module({})
export class VoiceModule {
  static register(config: PlatformConfig, logger: JsonLogger): DynamicModule {
    return {
      module: VoiceModule,
      imports: [
        PlatformModule.register({ config, logger, poolSize: 10, runOutboxRelay: true, queues: [Queues.voiceCalls] }),
      ],
      controllers: [PlaceCallController],
      providers: [
        {
          provide: CARRIER,
          useFactory: (dataSource: DataSource) => createCarrier(config, dataSource, logger),
          inject: [DataSource],
        },
        CarrierLifecycle,
        CallSessionsRepository,
        VoiceWorkersRepository,
        VoicePortsService,
        PlaceCallUseCase,
        OrphanSweeperService,
        // Prefetch = voice ports: RabbitMQ never hands this worker more calls than it can carry.
        {
          provide: CONSUMER_SETTINGS,
          inject: [VoicePortsService],
          useFactory: (ports: VoicePortsService): ConsumerSettings => ({
            [Queues.voiceCalls]: { prefetch: ports.capacity },
          }),
        },
      ],
    };
  }
}
