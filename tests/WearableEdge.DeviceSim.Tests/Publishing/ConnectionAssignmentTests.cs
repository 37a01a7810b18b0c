using WearableEdge.Contracts;
using WearableEdge.DeviceSim.Publishing;

namespace WearableEdge.DeviceSim.Tests.Publishing;

public sealed class ConnectionAssignmentTests
{
    [Fact]
    public void ConnectionOf_PatientsDealtInTurnAndKeptOnTheirConnection()
    {
        var assignment = new ConnectionAssignment(2);

        var first = new[] { "patient-001", "patient-002", "patient-003", "patient-004", "patient-005" }.Select(p => assignment.ConnectionOf(Topics.Vitals(p))).ToList();

        Assert.Equal([0, 1, 0, 1, 0], first);
        Assert.Equal(1, assignment.ConnectionOf(Topics.Motion("patient-002")));
        Assert.Equal(0, assignment.ConnectionOf(Topics.Device("patient-005")));
    }

    [Fact]
    public void ConnectionOf_OneConnection_AlwaysZero() =>
        Assert.Equal(0, new ConnectionAssignment(1).ConnectionOf(Topics.Vitals("physionet-p100004")));
}
