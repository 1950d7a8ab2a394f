namespace Sluice.Testing;

/// <summary>Finds the checkout's root (the folder holding Sluice.slnx) from the test's output folder.</summary>
public static class RepositoryRoot
{
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Sluice.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no Sluice.slnx above {AppContext.BaseDirectory}");
    }
}
