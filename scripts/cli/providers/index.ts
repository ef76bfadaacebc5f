// The one list of providers `genflows` knows; scripts/genflows.ts and scripts/demo.ts both run it.
// A new provider adds its module here.
import type { ProviderCli } from '../command.ts';
import { flowscaleCli } from './flowscale.ts';
import { invokeaiCli } from './invokeai.ts';
import { petPortraitCli } from './petPortrait.ts';
import { visionatrixCli } from './visionatrix.ts';

export const CLI_PROVIDERS: ProviderCli[] = [visionatrixCli, flowscaleCli, petPortraitCli, invokeaiCli];
