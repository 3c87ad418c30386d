import { aliasesProperty, LIMITS, slugProperty, textProperty } from '../../../../shared/http/dto/fact.dto.js';

export class RegisterPersonRequestDto {
  @slugProperty('The person id.', 'bashar-al-assad')
  personId!: string;

  @textProperty('Display name.', LIMITS.name, 'Bashar al-Assad')
  name!: string;

  @aliasesProperty()
  aliases?: string[];
}
