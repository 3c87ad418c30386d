import { Module } from '@nestjs/common';
import { LiveFeedService } from './live-feed.service.js';
import { LiveController } from './live.controller.js';

/** Server-Sent Events per read model, resumable by log position. */
@Module({ controllers: [LiveController], providers: [LiveFeedService] })
export class LiveModule {}
