import { moveStage, moveStageFields } from './stage';

export const description = moveStageFields;

export const prepare = moveStage;
