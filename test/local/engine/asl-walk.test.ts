import { allStates, mapStates } from '../../../local/engine/asl-walk';

const pass = { Type: 'Pass', End: true };
const definition = {
  StartAt: 'Fork',
  States: {
    Fork: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'Left', States: { Left: { Type: 'Task', Resource: 'arn:aws:lambda:l', End: true } } },
        { StartAt: 'Each', States: { Each: { Type: 'Map', ItemProcessor: { StartAt: 'Inner', States: { Inner: pass } }, End: true } } },
      ],
      Next: 'Legacy',
    },
    Legacy: { Type: 'Map', Iterator: { StartAt: 'Old', States: { Old: pass } }, Next: 'Last' },
    Last: pass,
  },
};

test('allStates: every state at every depth, each followed by those it nests', () => {
  expect([...allStates(definition)].map(([name]) => name)).toEqual(['Fork', 'Left', 'Each', 'Inner', 'Legacy', 'Old', 'Last']);
});

test('mapStates replaces states at every depth and keeps the scopes where nothing changed', () => {
  const mapped = mapStates(definition, (state) => (state.Type === 'Task' ? { ...state, TimeoutSeconds: 5 } : state));
  expect(mapped.States.Fork.Branches[0].States.Left).toEqual({ Type: 'Task', Resource: 'arn:aws:lambda:l', End: true, TimeoutSeconds: 5 });
  expect(mapped.States.Fork.Branches[1]).toBe(definition.States.Fork.Branches[1]);
  expect(mapped.States.Legacy).toBe(definition.States.Legacy);
  expect(definition.States.Fork.Branches[0].States.Left).not.toHaveProperty('TimeoutSeconds');
  expect(mapStates(definition, (state) => state)).toBe(definition);
});

test('mapStates walks what a state is replaced with, not what it was', () => {
  const seen: string[] = [];
  const mapped = mapStates(definition, (state, name) => {
    seen.push(name);
    return name === 'Each' ? pass : state;
  });
  expect(seen).toEqual(['Fork', 'Left', 'Each', 'Legacy', 'Old', 'Last']);
  expect(mapped.States.Fork.Branches[1].States.Each).toBe(pass);
  expect(mapped.States.Legacy.Iterator).toBe(definition.States.Legacy.Iterator);
});
