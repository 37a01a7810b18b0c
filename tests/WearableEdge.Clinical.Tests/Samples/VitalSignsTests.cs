using WearableEdge.Clinical.Samples;

namespace WearableEdge.Clinical.Tests.Samples;

public sealed class VitalSignsTests
{
    [Fact]
    public void Get_EachSign_ReturnsItsOwnValue()
    {
        var vitals = new VitalSigns(HeartRate: 1, SpO2: 2, RespirationRate: 3, Temperature: 4, SystolicBp: 5);

        Assert.Equal(1, vitals.Get(VitalSign.HeartRate));
        Assert.Equal(2, vitals.Get(VitalSign.SpO2));
        Assert.Equal(3, vitals.Get(VitalSign.RespirationRate));
        Assert.Equal(4, vitals.Get(VitalSign.Temperature));
        Assert.Equal(5, vitals.Get(VitalSign.SystolicBp));
    }

    [Fact]
    public void IsEmpty_NoValue_True()
    {
        Assert.True(new VitalSigns().IsEmpty);
        Assert.False(new VitalSigns(Temperature: 37).IsEmpty);
    }

    // FACTS.md, "Codes and units".
    [Theory]
    [InlineData(VitalSign.HeartRate, "heartRate", "8867-4", "/min")]
    [InlineData(VitalSign.SpO2, "spO2", "59408-5", "%")]
    [InlineData(VitalSign.RespirationRate, "respirationRate", "9279-1", "/min")]
    [InlineData(VitalSign.Temperature, "temperature", "8310-5", "Cel")]
    [InlineData(VitalSign.SystolicBp, "systolicBp", "8480-6", "mm[Hg]")]
    public void VitalSignCodes_EachSign_MatchesFacts(VitalSign sign, string name, string loinc, string ucum)
    {
        Assert.Equal(name, VitalSignCodes.Name(sign));
        Assert.Equal(loinc, VitalSignCodes.Loinc(sign));
        Assert.Equal(ucum, VitalSignCodes.Ucum(sign));
    }
}
