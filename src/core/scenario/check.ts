import { Contract, ValidatorCache } from '../broker/contract';
import type { LoadedDocument } from '../broker/types';
import type { Scenario, ScenarioProblem } from './scenario';

/**
 * Checks each publish of a scenario against the documents, as the broker would: an address no channel
 * declares, and a payload or headers that break the matched message's schema.
 */
export function checkScenario(scenario: Scenario, documents: readonly LoadedDocument[], validators = new ValidatorCache()): ScenarioProblem[] {
  const contract = new Contract(documents, validators);
  const problems: ScenarioProblem[] = [];
  for (const step of scenario.steps) {
    if (step.kind !== 'publish') continue;
    const check = contract.check(step.address, step.headers, step.payload, true);
    if (!check.channel) {
      problems.push({ range: step.addressRange, message: `no channel of the documents matches the address "${step.address}"`, code: 'scenario-unknown-address', severity: 'error' });
      continue;
    }
    for (const error of check.validation.errors) {
      problems.push({
        range: error.part === 'parameters' || error.part === 'channel' ? step.addressRange : step.payloadRange,
        message: `${error.part}${error.instancePath} ${error.message}${check.message ? ` (${check.message.name})` : ''}`,
        code: 'scenario-invalid-payload',
        severity: 'error',
      });
    }
  }
  return problems;
}
