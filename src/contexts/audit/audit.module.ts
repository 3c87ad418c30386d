import { Module } from '@nestjs/common';
import { AuditController } from './http/audit.controller.js';
import { StreamHistoryHandler } from './queries/stream-history.query.js';

/** Audit: the log itself, as recorded, for auditors. */
@Module({ controllers: [AuditController], providers: [StreamHistoryHandler] })
export class AuditModule {}
