namespace Bridge.Core.Events;

/// <summary>Which of the three CodePipeline state-change detail-types an event is.</summary>
public enum EventLevel { Pipeline, Stage, Action }
