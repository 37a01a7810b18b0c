namespace WearableEdge.DeviceSim.Motion;

/// <summary>A vector in the device's frame: a direction, or an acceleration in g.</summary>
internal readonly record struct Vec3(double X, double Y, double Z)
{
    public double Length => Math.Sqrt((X * X) + (Y * Y) + (Z * Z));

    public Vec3 Normalized
    {
        get
        {
            var length = Length;
            return length < 1e-12 ? new Vec3(0, 0, 1) : this * (1 / length);
        }
    }

    public static Vec3 operator +(Vec3 a, Vec3 b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);

    public static Vec3 operator -(Vec3 a, Vec3 b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);

    public static Vec3 operator -(Vec3 a) => new(-a.X, -a.Y, -a.Z);

    public static Vec3 operator *(Vec3 a, double k) => new(a.X * k, a.Y * k, a.Z * k);

    public static double Dot(Vec3 a, Vec3 b) => (a.X * b.X) + (a.Y * b.Y) + (a.Z * b.Z);

    public static Vec3 Cross(Vec3 a, Vec3 b) => new((a.Y * b.Z) - (a.Z * b.Y), (a.Z * b.X) - (a.X * b.Z), (a.X * b.Y) - (a.Y * b.X));

    /// <summary><paramref name="v"/> turned by <paramref name="radians"/> about the unit <paramref name="axis"/> (Rodrigues' formula).</summary>
    public static Vec3 Rotate(Vec3 v, Vec3 axis, double radians)
    {
        var (sin, cos) = Math.SinCos(radians);
        return (v * cos) + (Cross(axis, v) * sin) + (axis * (Dot(axis, v) * (1 - cos)));
    }

    /// <summary>Angle between two vectors, radians.</summary>
    public static double Angle(Vec3 a, Vec3 b) =>
        Math.Acos(Math.Clamp(Dot(a.Normalized, b.Normalized), -1, 1));

    /// <summary>The unit direction a fraction <paramref name="t"/> of the way from unit <paramref name="a"/> to unit <paramref name="b"/>, on the great circle.</summary>
    public static Vec3 Slerp(Vec3 a, Vec3 b, double t)
    {
        var angle = Angle(a, b);
        if (angle < 1e-9)
        {
            return a;
        }

        var axis = Cross(a, b);
        if (axis.Length < 1e-9)
        {
            // Opposite directions: any perpendicular axis will do.
            axis = Cross(a, Math.Abs(a.X) < 0.9 ? new Vec3(1, 0, 0) : new Vec3(0, 1, 0));
        }

        return Rotate(a, axis.Normalized, angle * t).Normalized;
    }

    /// <summary>A unit vector perpendicular to <paramref name="v"/>.</summary>
    public static Vec3 Perpendicular(Vec3 v) =>
        Cross(v, Math.Abs(v.X) < 0.9 ? new Vec3(1, 0, 0) : new Vec3(0, 1, 0)).Normalized;
}
