namespace Bridge.Core.Repair;

/// <summary>One sweep: when it ran, how many slots and executions it looked at, and what it did with each slot.</summary>
/// <param name="Executions">Executions asked about: one GetPipelineExecution each.</param>
public sealed record RepairReport(DateTimeOffset At, int Slots, int Executions, IReadOnlyDictionary<RepairAction, int> Actions)
{
    public int Count(RepairAction action) => Actions.GetValueOrDefault(action);
}
