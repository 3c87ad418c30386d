import { Module } from '@nestjs/common';
import { EventsBehind } from './application/explain.js';
import { ExplainController } from './http/explain.controller.js';

/**
 * Explain (auditors): a read-model answer with the raw events that produced it. Asks the other contexts through the
 * query bus (their answers carry sourceEventIds) and reads the events through the audit context's stream history.
 */
@Module({
  controllers: [ExplainController],
  providers: [EventsBehind],
})
export class ExplainModule {}
