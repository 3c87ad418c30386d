import { Module } from '@nestjs/common';
import { RegisterFactionHandler } from './application/register-faction.handler.js';
import { RegisterPlaceHandler } from './application/register-place.handler.js';
import { SeizeCityHandler } from './application/seize-city.handler.js';
import { TerritoryAdminController } from './http/territory.admin.controller.js';

/** Territory: command side (admin controllers, command handlers). CommandStore and ReferenceChecker are global. */
@Module({
  controllers: [TerritoryAdminController],
  providers: [RegisterFactionHandler, RegisterPlaceHandler, SeizeCityHandler],
})
export class TerritoryWriteModule {}
