using System.Text;
using WearableEdge.EdgeService.Sync;

namespace WearableEdge.EdgeService.Tests.Sync;

public sealed class PatientPseudonymizerTests
{
    private static readonly byte[] KeyA = Encoding.UTF8.GetBytes("site-key-a-0123456789abcdef");
    private static readonly byte[] KeyB = Encoding.UTF8.GetBytes("site-key-b-0123456789abcdef");

    [Fact]
    public void Pseudonymize_SameKeyAndId_IsDeterministic()
    {
        var first = new PatientPseudonymizer(KeyA).Pseudonymize("p-001");
        var second = new PatientPseudonymizer((byte[])KeyA.Clone()).Pseudonymize("p-001");

        Assert.Equal(first, second);
        Assert.Matches("^p-[0-9a-f]{32}$", first);
    }

    [Fact]
    public void Pseudonymize_DifferentKeys_Differ() =>
        Assert.NotEqual(new PatientPseudonymizer(KeyA).Pseudonymize("p-001"), new PatientPseudonymizer(KeyB).Pseudonymize("p-001"));

    [Fact]
    public void Pseudonymize_DifferentPatients_Differ()
    {
        var pseudonymizer = new PatientPseudonymizer(KeyA);

        Assert.NotEqual(pseudonymizer.Pseudonymize("p-001"), pseudonymizer.Pseudonymize("p-002"));
    }

    [Theory]
    [InlineData("p-001")]
    [InlineData("bed12")]
    [InlineData("patient-17")]
    public void Pseudonymize_Result_NeverContainsPatientId(string patientId) =>
        Assert.DoesNotContain(patientId, new PatientPseudonymizer(KeyA).Pseudonymize(patientId), StringComparison.OrdinalIgnoreCase);

    [Fact]
    public void Constructor_KeyShorterThan16Bytes_Throws() =>
        Assert.Throws<ArgumentException>(() => new PatientPseudonymizer(new byte[PatientPseudonymizer.MinimumKeyBytes - 1]));

    [Fact]
    public void Constructor_KeyOf16Bytes_IsAccepted() =>
        Assert.StartsWith("p-", new PatientPseudonymizer(new byte[PatientPseudonymizer.MinimumKeyBytes]).Pseudonymize("p-001"), StringComparison.Ordinal);
}
