import { Module } from '@nestjs/common';

/** Placeholder: checkpointed $all subscription feeding the registered projections. */
@Module({})
export class ProjectionsModule {}
