namespace Bridge.Core.Handling;

/// <summary>
/// What this process learned about an execution from earlier events. Keyed by the whole <see cref="ExecutionRef"/>
/// (account and region too): an event naming another account must never be answered from this account's lookup.
/// </summary>
public interface IExecutionCache
{
    ExecutionFacts? Get(ExecutionRef execution);
    void Set(ExecutionRef execution, ExecutionFacts facts);
}
